import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { runCli } from '../../src/cli/run.js';
import { join } from 'node:path';
import { generatePopulation } from '../../src/synth/population.js';
import { cli, tempDir, writePeopleCsv, writeRegisterAndClaims } from './cli-helpers.js';
import { feedFifo, fifoUnavailable, makeFifo, stopFifoWriters } from '../io/io-test-helpers.js';

// An input path that names a pipe — a mkfifo, or what a shell's process substitution passes
// (`khop dedupe <(zcat x.csv.gz)` reads /dev/fd/63, a pipe) — is read once, as `-` is: the same
// outputs as the file's, never sampled, measured or reopened (fixed: "input is not a regular file").
// Each pipe is written by a child process (cat), as the shell's would be.
const t = tempDir();
const text = (name: string) => readFileSync(join(t.dir, name), 'utf8');
let pipes = 0;
/** A new named pipe in the test directory, fed the file `from` (relative to it); its name. */
const piped = (from: string, ext = '.csv'): { name: string; writer: ReturnType<typeof feedFifo> } => {
  const name = `pipe${pipes++}${ext}`;
  const writer = feedFifo(makeFifo(join(t.dir, name)), join(t.dir, from));
  return { name, writer };
};

const noFifo = fifoUnavailable(t.dir);
if (noFifo !== null) console.warn(noFifo);

beforeAll(() => {
  writePeopleCsv(t.dir, 'dan_cu.csv', 240, 21);
  writeFileSync(join(t.dir, 'ban_sao.csv'), readFileSync(join(t.dir, 'dan_cu.csv')));
});
afterEach(stopFifoWriters);
afterAll(() => t.remove());

describe.skipIf(noFifo !== null)('an input path naming a pipe is read as standard input is', () => {
  it('F57: dedupe: the clusters, pairs and rejected rows of the file', async () => {
    const a = await cli(['dedupe', 'dan_cu.csv', '-o', 'c-file.csv', '--pairs', 'p-file.csv', '-q'], t.dir);
    const { name, writer } = piped('dan_cu.csv');
    const b = await cli(['dedupe', name, '-o', 'c-pipe.csv', '--pairs', 'p-pipe.csv', '-q'], t.dir);
    expect([a.code, b.code, b.stderr]).toEqual([1, 1, '']);
    expect(await writer.done).toBe(0);
    expect(text('c-pipe.csv')).toBe(text('c-file.csv'));
    expect(text('p-pipe.csv')).toBe(text('p-file.csv'));
    expect(text('c-pipe.csv.rejected.csv')).toBe(text('c-file.csv.rejected.csv'));
  });

  it('F57: not sampled — a guessed record-id column is noted as unchecked, as for standard input', async () => {
    const people = [...generatePopulation({ size: 60, seed: 9, duplicateRate: 0 })];
    writeFileSync(join(t.dir, 'ids.csv'), ['id,ho_ten,ngay_sinh', ...people.map((p) => [p.id, `"${p.fullName}"`, p.dob].join(','))].join('\n') + '\n');
    const file = await cli(['dedupe', 'ids.csv', '-o', 'ids-file.csv'], t.dir);
    expect(file.stderr).not.toContain('not read twice');
    const { name, writer } = piped('ids.csv');
    const r = await cli(['dedupe', name, '-o', 'ids-pipe.csv'], t.dir);
    expect(r.code).toBe(0);
    expect(await writer.done).toBe(0);
    expect(r.stderr).toContain(`  note: ${name} is not read twice, so the values of "id" were not checked: if it holds ID numbers, give --map id=id,… (or a file instead of the pipe)\n`);
  });

  it('F57: link with both inputs pipes (khop link <(…) <(…)): the links of the files', async () => {
    const a = await cli(['link', 'dan_cu.csv', 'ban_sao.csv', '-o', 'l-file.csv', '-q', '--rejected', 'l-file.rej.csv'], t.dir);
    const left = piped('dan_cu.csv');
    const right = piped('ban_sao.csv');
    const b = await cli(['link', left.name, right.name, '-o', 'l-pipe.csv', '-q', '--rejected', 'l-pipe.rej.csv'], t.dir);
    expect([a.code, b.code, b.stderr]).toEqual([1, 1, '']);
    expect([await left.writer.done, await right.writer.done]).toEqual([0, 0]);
    expect(text('l-pipe.csv')).toBe(text('l-file.csv'));
    expect(text('l-file.csv').split('\n').length).toBeGreaterThan(200);
    // The rejected rows name each file by its path as given (F55): the pipes'.
    expect(text('l-pipe.rej.csv')).toBe(text('l-file.rej.csv').replaceAll('dan_cu.csv', left.name).replaceAll('ban_sao.csv', right.name));
  });

  it('F57: register build from a pipe (one thread, and --threads 2), then authenticate claims from a pipe: the verdicts of the files', async () => {
    const { claims } = writeRegisterAndClaims(t.dir);
    expect((await cli(['register', 'build', 'reg.csv', '-o', 'file.khop', '-q'], t.dir)).code).toBe(0);
    const a = await cli(['authenticate', '--register', 'file.khop', 'claims.csv', '-o', 'v-file.csv', '-q'], t.dir);
    expect(a.code).toBe(0);
    for (const threads of [[], ['--threads', '2']]) {
      const reg = piped('reg.csv');
      const built = await cli(['register', 'build', reg.name, '-o', 'pipe.khop', '-q', ...threads], t.dir);
      expect([built.code, built.stderr]).toEqual([0, '']);
      expect(await reg.writer.done).toBe(0);
      const claimPipe = piped('claims.csv');
      const b = await cli(['authenticate', '--register', 'pipe.khop', claimPipe.name, '-o', 'v-pipe.csv', '-q'], t.dir);
      expect([b.code, b.stderr]).toEqual([0, '']);
      expect(await claimPipe.writer.done).toBe(0);
      expect(text('v-pipe.csv')).toBe(text('v-file.csv'));
    }
    expect(text('v-file.csv').split('\n').length).toBe(claims + 2);
  });

  it('F57: analyze-blocking from a pipe: the report of the file', async () => {
    const a = await cli(['analyze-blocking', 'dan_cu.csv', '-q'], t.dir);
    const { name, writer } = piped('dan_cu.csv');
    const b = await cli(['analyze-blocking', name, '-q'], t.dir);
    expect([b.code, b.stderr]).toEqual([a.code, a.stderr]);
    expect(await writer.done).toBe(0);
    expect(b.stdout.replaceAll(name, 'dan_cu.csv')).toBe(a.stdout);
    expect(a.stdout.length).toBeGreaterThan(200);
  });
});

describe.skipIf(noFifo !== null)('what a pipe cannot give', () => {
  it('F58: Parquet from a pipe — named .parquet (refused before the pipe is opened) or by its content — exit 2 saying so', async () => {
    writeFileSync(join(t.dir, 'fake.parquet'), new Uint8Array([0x50, 0x41, 0x52, 0x31, 0, 0, 0, 0]));
    const named = piped('fake.parquet', '.parquet');
    const r = await cli(['dedupe', named.name, '-o', 'pq.csv'], t.dir);
    expect([r.code, r.stderr]).toEqual([2, `khop: error: input ${join(t.dir, named.name)}: Parquet cannot be read from a pipe or a device (it is read by random access, its footer first); save it to a file and give that\n`]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(named.writer.exited).toBe(false); // never opened: its writer still waits for a reader
    const sniffed = piped('fake.parquet', '');
    const s = await cli(['link', 'dan_cu.csv', sniffed.name, '-o', 'pq.csv'], t.dir);
    expect([s.code, s.stderr]).toEqual([2, `khop: error: input ${join(t.dir, sniffed.name)}: Parquet cannot be read from a pipe or a device (it is read by random access, its footer first); save it to a file and give that\n`]);
    expect(existsSync(join(t.dir, 'pq.csv'))).toBe(false);
  });

  it('F58: one pipe given as two inputs (link p p, or through a link to it) — exit 2: a pipe is read once', async () => {
    for (const twice of [false, true]) {
      // A pipe a writer feeds (the first input opens it and reads its header).
      const { name } = piped('dan_cu.csv');
      const second = twice ? name : `${name}.link`;
      if (!twice) symlinkSync(join(t.dir, name), join(t.dir, second));
      const r = await cli(['link', name, second, '-o', 'twice.csv'], t.dir);
      expect(r.code, second).toBe(2);
      expect(r.stderr, second).toBe(`khop: error: input ${second}: the same pipe as the input ${name}; a pipe is read once: give each input its own (a file, or one process substitution each)\n`);
    }
    expect(existsSync(join(t.dir, 'twice.csv'))).toBe(false);
  });

  it('F58: standard input\'s pipe given again by a path (khop link - /dev/stdin) — exit 2 (main.ts gives its descriptor)', async () => {
    const { name } = piped('dan_cu.csv');
    const fd = openSync(join(t.dir, name), 'r'); // its writer is on its way: the open returns once it comes
    let stderr = '';
    try {
      const io = { stdout: { write: () => undefined }, stderr: { write: (s: string) => void (stderr += s) }, cwd: t.dir, stdin: createReadStream('', { fd, autoClose: false }), stdinFd: fd };
      // /dev/fd/N: this process's descriptor N, the pipe standard input reads here
      expect(await runCli(['link', '-', `/dev/fd/${fd}`, '-o', 'twice.csv'], io)).toBe(2);
    } finally {
      try {
        closeSync(fd);
      } catch {
        // closed already by the stream khop read and closed
      }
    }
    expect(stderr).toBe(`khop: error: input /dev/fd/${fd}: the same pipe as the input -; a pipe is read once: give each input its own (a file, or one process substitution each)\n`);
    expect(existsSync(join(t.dir, 'twice.csv'))).toBe(false);
  });

  it('F58: a register snapshot from a pipe is refused before it is opened (it is read by offset); a directory input as before', async () => {
    await cli(['register', 'build', 'dan_cu.csv', '-o', 'snap.khop', '-q'], t.dir);
    expect(existsSync(join(t.dir, 'snap.khop'))).toBe(true);
    const snap = piped('snap.khop', '.khop');
    const r = await cli(['authenticate', '--register', snap.name, 'dan_cu.csv', '-o', 'v.csv'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`khop: error: snapshot: ${join(t.dir, snap.name)} is not a regular file (a pipe, a device or a socket); a snapshot is read from a file by offset, not streamed: save it to a file and give that\n`);
    expect(snap.writer.exited).toBe(false);
    mkdirSync(join(t.dir, 'exports'), { recursive: true });
    const d = await cli(['dedupe', 'exports', '-o', 'd.csv'], t.dir);
    expect([d.code, d.stderr]).toEqual([2, `khop: error: input is a directory, not a file (EISDIR): ${join(t.dir, 'exports')}\n`]);
  });
});
