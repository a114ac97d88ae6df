/**
 * TextSink over a file path: written to a temporary file beside it and renamed over it by a
 * successful close, so a run that is killed or fails while writing leaves the previous file —
 * never a shorter one that reads as complete. Special files are written directly.
 */
import { chmodSync, closeSync, existsSync, linkSync, lstatSync, openSync, statSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FILE_WRITE_BUFFER_BYTES, FLUSH_CHARS, TextSink, writeAllRows } from '../../src/io/text-sink.js';
import { CsvWriter } from '../../src/io/csv-writer.js';
import { NdjsonWriter } from '../../src/io/ndjson-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'khop-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TextSink on a path', () => {
  it('the target keeps its previous content until close(), then holds all of the new one; no temporary file is left', async () => {
    const path = join(dir, 'out.csv');
    writeFileSync(path, 'PREVIOUS GOOD RUN\n');
    const sink = new TextSink(path);
    for (let i = 0; i < 5000; i++) {
      const p = sink.write(`row ${i},${'x'.repeat(50)}\n`); // several 64 KiB flushes
      if (p !== undefined) await p;
    }
    expect(readFileSync(path, 'utf8')).toBe('PREVIOUS GOOD RUN\n'); // flushed rows went elsewhere
    await sink.close();
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')).toHaveLength(5001);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a file keeps writing while up to a MiB is in flight: the writer is asked to wait only beyond it, and every byte arrives', async () => {
    // (The stream's default 16 KiB buffer made every 64 Ki-character flush wait for the disk.)
    for (const target of ['fresh.csv', 'existing.csv']) {
      const path = join(dir, target);
      if (target === 'existing.csv') writeFileSync(path, 'old\n');
      const sink = new TextSink(path);
      const line = `${'y'.repeat(99)}\n`;
      let written = 0;
      let firstWait = -1;
      for (let i = 0; written < 3 * FILE_WRITE_BUFFER_BYTES; i++) {
        const p = sink.write(line);
        written += line.length;
        if (p !== undefined) {
          if (firstWait < 0) firstWait = written;
          await p;
        }
      }
      expect(firstWait).toBeGreaterThan(FILE_WRITE_BUFFER_BYTES);
      expect(firstWait).toBeLessThanOrEqual(FILE_WRITE_BUFFER_BYTES + 2 * FLUSH_CHARS);
      await sink.close();
      expect(statSync(path).size).toBe(written);
    }
  });

  it('a path that is a symlink to a file: the file gets the new content, the link stays a link', async () => {
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'target.csv'), 'old\n');
    symlinkSync(join(dir, 'real', 'target.csv'), join(dir, 'link.csv'));
    const sink = new TextSink(join(dir, 'link.csv'));
    sink.write('new\n');
    await sink.close();
    expect(lstatSync(join(dir, 'link.csv')).isSymbolicLink()).toBe(true);
    // Permissions of the replaced file are kept (an output made private stays private).
    chmodSync(join(dir, 'real', 'target.csv'), 0o600);
    const again = new TextSink(join(dir, 'link.csv'));
    again.write('newer\n');
    await again.close();
    expect(statSync(join(dir, 'real', 'target.csv')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'real', 'target.csv'), 'utf8')).toBe('newer\n');
    chmodSync(join(dir, 'real', 'target.csv'), 0o640);
    const third = new TextSink(join(dir, 'real', 'target.csv'));
    third.write('third\n');
    await third.close();
    expect(statSync(join(dir, 'real', 'target.csv')).mode & 0o777).toBe(0o640);
    expect(readdirSync(join(dir, 'real')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('paths that are not plainly a file of their own are written in place: an open descriptor (/proc/self/fd/N), a dangling symlink, a hard-linked file', async () => {
    // A log the "shell" appends to, reached as /proc/self/fd/N through a link (as /dev/stdout is).
    const log = join(dir, 'app.log');
    writeFileSync(log, 'PREVIOUS\n');
    const fd = openSync(log, 'a');
    try {
      symlinkSync(`/proc/self/fd/${fd}`, join(dir, 'mystdout'));
      const out = new TextSink(join(dir, 'mystdout'));
      out.write('appended\n');
      await out.close();
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(log, 'utf8')).toBe('PREVIOUS\nappended\n');
    expect(lstatSync(join(dir, 'mystdout')).isSymbolicLink()).toBe(true);
    // The same descriptor however spelled: through a linked directory, not normalised.
    const fd2 = openSync(log, 'a');
    try {
      symlinkSync('/proc/self/fd', join(dir, 'fddir'));
      for (const spelling of [join(dir, 'fddir', String(fd2)), `//proc/self/fd/${fd2}`, `/tmp/../proc/self/fd/${fd2}`]) {
        const o = new TextSink(spelling);
        o.write('more\n');
        await o.close();
      }
    } finally {
      closeSync(fd2);
    }
    expect(readFileSync(log, 'utf8')).toBe('PREVIOUS\nappended\nmore\nmore\nmore\n');
    // A regular file reached through /proc (/proc/self/root is /) is a file of its own: replaced,
    // not appended to.
    writeFileSync(join(dir, 'plain.csv'), 'old\n');
    const viaProc = new TextSink(`/proc/self/root${join(dir, 'plain.csv')}`);
    viaProc.write('new\n');
    await viaProc.close();
    expect(readFileSync(join(dir, 'plain.csv'), 'utf8')).toBe('new\n');
    // A dangling symlink: the write creates its target.
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(join(dir, 'elsewhere', 'new.csv'), join(dir, 'dangling.csv'));
    const d = new TextSink(join(dir, 'dangling.csv'));
    d.write('through\n');
    await d.close();
    expect(readFileSync(join(dir, 'elsewhere', 'new.csv'), 'utf8')).toBe('through\n');
    expect(lstatSync(join(dir, 'dangling.csv')).isSymbolicLink()).toBe(true);
    // A file with two names: both see the new content.
    writeFileSync(join(dir, 'hard1.csv'), 'old\n');
    linkSync(join(dir, 'hard1.csv'), join(dir, 'hard2.csv'));
    const h = new TextSink(join(dir, 'hard1.csv'));
    h.write('new\n');
    await h.close();
    expect(readFileSync(join(dir, 'hard2.csv'), 'utf8')).toBe('new\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('abort() leaves the target as it was (or absent) and removes the temporary file', async () => {
    const path = join(dir, 'kept.csv');
    writeFileSync(path, 'KEEP\n');
    const sink = new TextSink(path);
    await sink.write('y'.repeat(200_000));
    await sink.abort();
    expect(readFileSync(path, 'utf8')).toBe('KEEP\n');
    const fresh = new TextSink(join(dir, 'never.csv'));
    fresh.write('z');
    await fresh.abort();
    expect(existsSync(join(dir, 'never.csv'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writers whose rows fail partway do not commit (CSV and NDJSON); a special file is written directly', async () => {
    const csvPath = join(dir, 'rows.csv');
    const ndPath = join(dir, 'rows.ndjson');
    writeFileSync(csvPath, 'old\n');
    writeFileSync(ndPath, 'old\n');
    function* rows(): Generator<Record<string, unknown>> {
      for (let i = 0; i < 30_000; i++) yield { a: i, b: 'v'.repeat(20) };
      yield { a: {}, b: 'an object cannot be a cell' };
    }
    await expect(writeAllRows(new CsvWriter(csvPath, { columns: ['a', 'b'] }), (function* () {
      for (const r of rows()) yield [r['a'], r['b']];
    })())).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(writeAllRows(new NdjsonWriter(ndPath), (function* () {
      for (let i = 0; i < 30_000; i++) yield { a: i };
      const circular: Record<string, unknown> = {};
      circular['self'] = circular; // not JSON
      yield circular;
    })())).rejects.toBeDefined();
    expect(readFileSync(csvPath, 'utf8')).toBe('old\n');
    expect(readFileSync(ndPath, 'utf8')).toBe('old\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const devNull = new TextSink('/dev/null');
    devNull.write('discarded');
    await devNull.close();
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true); // written through, not renamed over
  });
});

describe('TextSink.finish / commit (outputs replaced together: F51)', () => {
  it('finish() leaves the target as it was; commit() replaces it; abort() after finish() removes the finished temporary file', async () => {
    const sub = join(dir, 'staged');
    mkdirSync(sub);
    const path = join(sub, 'out.csv');
    writeFileSync(path, 'PREVIOUS\n');
    const kept = new TextSink(path);
    kept.write('new one\n');
    await kept.finish();
    expect(readFileSync(path, 'utf8')).toBe('PREVIOUS\n');
    expect(readdirSync(sub).filter((f) => f.endsWith('.tmp'))).toHaveLength(1);
    await kept.abort();
    expect(readdirSync(sub)).toEqual(['out.csv']);
    expect(readFileSync(path, 'utf8')).toBe('PREVIOUS\n');
    const w = new CsvWriter(path, { columns: ['a'] });
    await w.writeRow(['1']);
    await w.finish();
    expect(readFileSync(path, 'utf8')).toBe('PREVIOUS\n');
    w.commit();
    w.commit(); // idempotent
    await w.abort(); // nothing left to give up
    expect(readFileSync(path, 'utf8')).toBe('a\n1\n');
    expect(readdirSync(sub)).toEqual(['out.csv']);
  });
});
