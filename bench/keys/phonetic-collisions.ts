/**
 * How much does vietnamesePhoneticKey merge? Collision figures on the Vietnamese name lists in
 * ../shared/data/vn-names (see its README): which distinct names share a key, and — where the
 * lists carry counts — how much coarser the key is than the folded name as a blocking key.
 *
 *   npx tsx bench/keys/phonetic-collisions.ts            (top 12 classes per list)
 *   KHOP_TOP=30 npx tsx bench/keys/phonetic-collisions.ts
 *
 * Per list:
 *   names / folded / keys   distinct raw strings, distinct folded strings, distinct keys
 *   shared                  folded names whose key is shared with another folded name (and %)
 *   weight shared           share of the people (counts) whose key class has ≥ 2 folded names
 *   pair ×                  Σ p(key)² / Σ p(folded)²: how many times more random pairs of people
 *                           agree on the key than on the folded name (1.00 = no coarsening)
 *   top classes             the heaviest keys with ≥ 2 folded members, members with counts
 * The full-name list is reported in aggregate only (it holds real people's names).
 * Skips with a message when the data folder is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vietnamesePhoneticKey } from '../../src/keys/vietnamese-phonetic.js';
import { foldToAscii } from '../../src/text/fold.js';
import { envCount, parseArgs } from '../lib/report.js';

const DATA = fileURLToPath(new URL('../../../shared/data/vn-names/', import.meta.url));
const USAGE = `How much the Vietnamese phonetic key coarsens real name lists (../shared/data/vn-names).

  [KHOP_TOP=12] npx tsx bench/keys/phonetic-collisions.ts

  KHOP_TOP   heaviest shared key classes printed per list (default 12)
  --help     this text`;

parseArgs(process.argv.slice(2), {}, USAGE);
const TOP = envCount('KHOP_TOP', 12);

interface Stats {
  names: number;
  folded: number;
  keys: number;
  shared: number;
  weightShared: number;
  pairInflation: number;
  top: string[];
}

/** Collision statistics of (name, count) items. */
function measure(items: ReadonlyArray<readonly [string, number]>, top: number): Stats {
  const raw = new Set<string>();
  const foldedWeight = new Map<string, number>();
  let total = 0;
  for (const [name, count] of items) {
    raw.add(name);
    const f = foldToAscii(name);
    if (f === '') continue;
    foldedWeight.set(f, (foldedWeight.get(f) ?? 0) + count);
    total += count;
  }
  const classes = new Map<string, Array<[string, number]>>();
  const keyWeight = new Map<string, number>();
  for (const [f, w] of foldedWeight) {
    const k = vietnamesePhoneticKey(f);
    let members = classes.get(k);
    if (members === undefined) classes.set(k, (members = []));
    members.push([f, w]);
    keyWeight.set(k, (keyWeight.get(k) ?? 0) + w);
  }
  let shared = 0;
  let weightShared = 0;
  let pFolded = 0;
  let pKey = 0;
  for (const w of foldedWeight.values()) pFolded += (w / total) ** 2;
  for (const [k, members] of classes) {
    pKey += (keyWeight.get(k)! / total) ** 2;
    if (members.length > 1) {
      shared += members.length;
      for (const [, w] of members) weightShared += w;
    }
  }
  const heaviest = [...classes]
    .filter(([, m]) => m.length > 1)
    .sort((a, b) => keyWeight.get(b[0])! - keyWeight.get(a[0])! || (a[0] < b[0] ? -1 : 1))
    .slice(0, top)
    .map(([k, m]) => {
      const list = m
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([f, w]) => `${f}:${w}`)
        .join(' ');
      return `${k.padEnd(14)} ← ${list}`;
    });
  return {
    names: raw.size,
    folded: foldedWeight.size,
    keys: classes.size,
    shared,
    weightShared: weightShared / total,
    pairInflation: pKey / pFolded,
    top: heaviest,
  };
}

function lines(file: string): string[] {
  return readFileSync(join(DATA, file), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Rows of a CSV without quoted fields (the vn-names files have none), header dropped. */
function csv(file: string): string[][] {
  return lines(file)
    .slice(1)
    .map((l) => l.split(','));
}

function main(): void {
  if (!existsSync(DATA)) {
    console.log(`phonetic-collisions: skipped, ${DATA} not found (the shared name lists live beside the repository).`);
    return;
  }
  const once = (names: string[]): Array<[string, number]> => names.map((n) => [n, 1]);
  const counted = (rows: string[][]): Array<[string, number]> => rows.map((r) => [r[0]!, Number(r[1])]);
  const lists: Array<{ name: string; items: Array<[string, number]>; weighted: boolean; members: boolean }> = [
    {
      name: 'given_*_one_word.txt (syllables)',
      items: once([...lines('given_boy_one_word.txt'), ...lines('given_girl_one_word.txt')]),
      weighted: false,
      members: true,
    },
    { name: 'given_boy.txt + given_girl.txt', items: once([...lines('given_boy.txt'), ...lines('given_girl.txt')]), weighted: false, members: true },
    { name: 'uit_family_name_freq.csv', items: counted(csv('uit_family_name_freq.csv')), weighted: true, members: true },
    { name: 'uit_middle_name_freq.csv', items: counted(csv('uit_middle_name_freq.csv')), weighted: true, members: true },
    { name: 'uit_given_name_freq.csv', items: counted(csv('uit_given_name_freq.csv')), weighted: true, members: true },
    { name: 'uit_full_names.csv (aggregate only)', items: csv('uit_full_names.csv').map((r) => [r[0]!, 1]), weighted: true, members: false },
  ];

  console.log('vietnamesePhoneticKey collisions on ../shared/data/vn-names\n');
  console.log('list                                  names  folded   keys  shared (% folded)  weight shared  pair ×');
  const results = lists.map((l) => ({ ...l, stats: measure(l.items, l.members ? TOP : 0) }));
  for (const { name, stats: s, weighted } of results) {
    console.log(
      [
        name.padEnd(36),
        String(s.names).padStart(6),
        String(s.folded).padStart(7),
        String(s.keys).padStart(6),
        `${String(s.shared).padStart(7)} (${((100 * s.shared) / s.folded).toFixed(1).padStart(4)}%)`.padEnd(18),
        weighted ? `${(100 * s.weightShared).toFixed(1).padStart(12)}%` : '            —',
        weighted ? s.pairInflation.toFixed(3).padStart(7) : '      —',
      ].join(' '),
    );
  }
  for (const { name, stats } of results) {
    if (stats.top.length === 0) continue;
    console.log(`\n${name}: heaviest shared keys (folded:count)`);
    for (const t of stats.top) console.log(`  ${t}`);
  }
}

main();
