import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { VN_PROVINCES_63 } from '../../src/data/vn-provinces.js';
import { DEFAULT_CLAIM_MIX, generateClaims, withinOneEdit, type Claim } from '../../src/synth/claims.js';
import { generatePopulation, type PopulationOptions, type PopulationRow } from '../../src/synth/population.js';
import { isKhopError } from '../../src/errors.js';
import { foldToAscii } from '../../src/text/fold.js';
import { parseNationalId } from '../../src/text/national-id.js';

const PREFIXES = new Set(VN_PROVINCES_63.map((p) => p.cccdPrefix));

/** yyyymmdd of the formats claims use. */
function parseDob(s: string): number {
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) return +m[3] * 10000 + +m[2] * 100 + +m[1];
  m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(s);
  if (m) return +m[1] * 10000 + +m[2] * 100 + +m[3];
  return -1;
}

/** Check one claim against the register row it was built from; returns a problem or ''. */
function checkClaim(c: Claim, byId: Map<string, PopulationRow>, byPerson: Map<number, PopulationRow>): string {
  const reg = byPerson.get(c.personId);
  const yearOf = (dob: string): number => Math.floor(parseDob(dob) / 10000);
  switch (c.expected) {
    case 'VERIFIED': {
      if (reg === undefined) return 'verified without a register person';
      if (c.expectedReason === 'exact') {
        return c.id === reg.id && c.fullName === reg.fullName && c.dob === reg.dob && c.sex === reg.sex ? '' : 'exact differs';
      }
      if (!c.expectedReason.startsWith('benign:')) return 'bad verified reason';
      const kinds = new Set(c.expectedReason.slice(7).split('+'));
      if (foldToAscii(c.fullName) !== foldToAscii(reg.fullName)) return 'name not equal after folding';
      if (parseDob(c.dob) !== parseDob(reg.dob)) return 'dob not equal after parsing';
      if (c.id.padStart(12, '0') !== reg.id || c.sex !== reg.sex) return 'id or sex differ';
      if (kinds.has('nameNoDiacritics') && !/^[\x20-\x7e]*$/.test(c.fullName)) return 'nameNoDiacritics left diacritics';
      if (!kinds.has('nameNoDiacritics') && foldToAscii(reg.fullName) !== reg.fullName.toLowerCase() && /^[\x20-\x7e]*$/.test(c.fullName)) {
        return 'diacritics lost without nameNoDiacritics';
      }
      if (kinds.has('nameNfd') && c.fullName === c.fullName.normalize('NFC')) return 'nameNfd not decomposed';
      if (kinds.has('dobFormat') === (c.dob === reg.dob)) return 'dobFormat mismatch';
      if (kinds.has('idLeadingZeroLost') === (c.id === reg.id)) return 'idLeadingZeroLost mismatch';
      const nameChanged = c.fullName !== reg.fullName;
      const nameKinds = ['nameToneStyle', 'nameNoDiacritics', 'nameNfd', 'nameCaseSpacing'].some((k) => kinds.has(k));
      return nameChanged === nameKinds ? '' : 'name change not explained';
    }
    case 'MISMATCH':
      if (reg === undefined || c.id !== reg.id || c.sex !== reg.sex) return 'mismatch must keep id and sex';
      if (c.expectedReason === 'wrongName') {
        const g = (s: string): string => foldToAscii(s).split(' ').pop() as string;
        return c.dob === reg.dob && !withinOneEdit(g(c.fullName), g(reg.fullName)) ? '' : 'wrongName too close or dob changed';
      }
      if (c.expectedReason === 'wrongDobSameYear') {
        return c.fullName === reg.fullName && c.dob !== reg.dob && yearOf(c.dob) === yearOf(reg.dob) ? '' : 'wrongDob wrong';
      }
      return 'bad mismatch reason';
    case 'NOT_FOUND': {
      if (c.personId !== -1 || c.expectedReason !== 'idNotInRegister') return 'not found must have personId -1';
      if (byId.has(c.id) || !/^\d{12}$/.test(c.id) || !PREFIXES.has(c.id.slice(0, 3))) return 'not-found id in register or malformed';
      const y = yearOf(c.dob);
      const g = Number(c.id[3]);
      return (g & 1) === (c.sex === 'Nam' ? 0 : 1) && g >> 1 === Math.floor(y / 100) - 19 && Number(c.id.slice(4, 6)) === y % 100
        ? ''
        : 'not-found id inconsistent with dob/sex';
    }
    case 'INVALID_ID': {
      if (reg === undefined || c.fullName !== reg.fullName || c.dob !== reg.dob) return 'invalid id must keep the identity';
      if (parseNationalId(c.id).ok) return 'library parser accepts an INVALID_ID claim';
      switch (c.expectedReason) {
        case 'idLetters': return c.id.length === 12 && /[A-Za-z]/.test(c.id) ? '' : 'idLetters';
        case 'idLength10': return /^0\d{9}$/.test(c.id) ? '' : 'idLength10';
        case 'idLength13': return /^\d{13}$/.test(c.id) ? '' : 'idLength13';
        case 'idUnknownProvince': return /^\d{12}$/.test(c.id) && !PREFIXES.has(c.id.slice(0, 3)) ? '' : 'idUnknownProvince';
      }
      return 'bad invalid reason';
    }
    case 'INCONSISTENT_ID': {
      if (reg === undefined || c.id !== reg.id || c.fullName !== reg.fullName) return 'inconsistent must keep id and name';
      const g = Number(c.id[3]);
      const idYear = 1900 + (g >> 1) * 100 + Number(c.id.slice(4, 6));
      const idSex = (g & 1) === 0 ? 'Nam' : 'Nữ';
      if (c.expectedReason === 'sexContradictsId') return c.sex !== idSex && c.dob === reg.dob ? '' : 'sex not contradicting';
      if (c.expectedReason === 'birthYearContradictsId') return yearOf(c.dob) !== idYear && c.sex === reg.sex ? '' : 'year not contradicting';
      return 'bad inconsistent reason';
    }
  }
  return 'unknown verdict';
}

function registerMaps(rows: Iterable<PopulationRow>): { byId: Map<string, PopulationRow>; byPerson: Map<number, PopulationRow> } {
  const byId = new Map<string, PopulationRow>();
  const byPerson = new Map<number, PopulationRow>();
  for (const r of rows) {
    byId.set(r.id, r);
    byPerson.set(r.personId, r);
  }
  return { byId, byPerson };
}

describe('generateClaims against population options', () => {
  const register: PopulationOptions = { size: 20_000, seed: 5, duplicateRate: 0, namesakeRate: 0.01 };
  const { byId, byPerson } = registerMaps(generatePopulation(register));
  const count = 5000;
  const claims = [...generateClaims({ register, count, seed: 11 })];

  it('covers every verdict in the default mix, counts exact', () => {
    expect(claims.length).toBe(count);
    const by = new Map<string, number>();
    for (const c of claims) by.set(c.expected, (by.get(c.expected) ?? 0) + 1);
    expect(by.get('VERIFIED')).toBe(count * DEFAULT_CLAIM_MIX.verified);
    expect(by.get('MISMATCH')).toBe(Math.round(count * (DEFAULT_CLAIM_MIX.wrongName + DEFAULT_CLAIM_MIX.wrongDob)));
    expect(by.get('NOT_FOUND')).toBe(count * DEFAULT_CLAIM_MIX.notFound);
    expect(by.get('INVALID_ID')).toBe(count * DEFAULT_CLAIM_MIX.invalidId);
    expect(by.get('INCONSISTENT_ID')).toBe(Math.round(count * DEFAULT_CLAIM_MIX.inconsistentId));
    const reasons = new Set(claims.map((c) => (c.expectedReason.startsWith('benign:') ? 'benign' : c.expectedReason)));
    for (const r of ['exact', 'benign', 'wrongName', 'wrongDobSameYear', 'idNotInRegister', 'idLetters', 'idLength10', 'idLength13', 'idUnknownProvince', 'sexContradictsId', 'birthYearContradictsId']) {
      expect(reasons.has(r), r).toBe(true);
    }
    expect(claims.map((c) => c.claimId)).toEqual(Array.from({ length: count }, (_, i) => String(i)));
  });

  it("each claim's expectedReason agrees with what it changed", () => {
    const problems: string[] = [];
    for (const c of claims) {
      const p = checkClaim(c, byId, byPerson);
      if (p !== '' && problems.length < 10) problems.push(`${p}: ${JSON.stringify(c)}`);
    }
    expect(problems).toEqual([]);
  });

  it('benign noise kinds all occur among VERIFIED claims', () => {
    const text = claims.filter((c) => c.expected === 'VERIFIED').map((c) => c.expectedReason).join(' ');
    for (const k of ['nameToneStyle', 'nameNoDiacritics', 'nameNfd', 'nameCaseSpacing', 'dobFormat', 'idLeadingZeroLost']) expect(text).toContain(k);
  });

  it('is deterministic and order-shuffled', () => {
    const h = (cs: Iterable<Claim>): string => createHash('sha256').update(JSON.stringify([...cs])).digest('hex');
    expect(h(generateClaims({ register, count, seed: 11 }))).toBe(h(claims));
    expect(h(generateClaims({ register, count, seed: 12 }))).not.toBe(h(claims));
    // verdicts are interleaved, not in blocks
    const firstHundred = new Set(claims.slice(0, 100).map((c) => c.expected));
    expect(firstHundred.size).toBeGreaterThanOrEqual(4);
  });

  it('honours a custom mix', () => {
    const only = [...generateClaims({ register, count: 300, seed: 3, mix: { verified: 0, wrongName: 0, wrongDob: 0, notFound: 1, invalidId: 0, inconsistentId: 0 } })];
    expect(only.every((c) => c.expected === 'NOT_FOUND')).toBe(true);
  });
});

describe('generateClaims against register rows', () => {
  const rows = [...generatePopulation({ size: 3000, seed: 17, duplicateRate: 0 })];
  const { byId, byPerson } = registerMaps(rows);
  it('builds valid claims of every verdict from the rows', () => {
    const claims = [...generateClaims({ register: rows, count: 1500, seed: 4 })];
    expect(new Set(claims.map((c) => c.expected)).size).toBe(5);
    const problems = claims.map((c) => checkClaim(c, byId, byPerson)).filter((p) => p !== '');
    expect(problems).toEqual([]);
  });
  it('rejects malformed register rows naming row and field', () => {
    const bad = [{ ...rows[0] }, { ...rows[1], dob: '1990' }];
    let err: unknown;
    try {
      generateClaims({ register: bad, count: 10 });
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect((err as Error).message).toContain('register[1].dob');
  });
});

describe('generateClaims options', () => {
  it('requires an explicitly clean register and valid count/mix, reporting all problems', () => {
    let err: unknown;
    try {
      generateClaims({ register: { size: 100 }, count: -1, mix: { verified: -1, bogus: 1 } as never });
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
    const problems = (err as { details: { problems: string[] } }).details.problems.join('\n');
    for (const s of ['count', 'mix.verified', 'mix.bogus', 'register.duplicateRate']) expect(problems).toContain(s);
  });
  it('refuses a misspelt option, of the claims or of their register', () => {
    for (const [bad, name] of [[{ register: { size: 10, duplicateRate: 0 }, count: 3, cnt: 3 }, 'cnt'], [{ register: { size: 10, duplicateRate: 0, foo: 1 }, count: 3 }, 'register.foo']] as const) {
      let err: unknown;
      try {
        generateClaims(bad as never);
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
      expect((err as { details: { problems: string[] } }).details.problems.join('\n')).toContain(`${name} is not an option`);
    }
  });
  it('count 0 yields nothing', () => {
    expect([...generateClaims({ register: { size: 10, duplicateRate: 0 }, count: 0 })]).toEqual([]);
  });
  it('withinOneEdit known answers', () => {
    expect(withinOneEdit('an', 'anh')).toBe(true);
    expect(withinOneEdit('anh', 'an')).toBe(true);
    expect(withinOneEdit('lan', 'lam')).toBe(true);
    expect(withinOneEdit('lan', 'lan')).toBe(true);
    expect(withinOneEdit('lan', 'linh')).toBe(false);
    expect(withinOneEdit('hoa', 'ha')).toBe(true);
    expect(withinOneEdit('tuan', 'tuna')).toBe(false);
  });
});
