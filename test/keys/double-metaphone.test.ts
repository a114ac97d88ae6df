import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_DOUBLE_METAPHONE_MAX_LENGTH, doubleMetaphone } from '../../src/keys/double-metaphone.js';
import { isKhopError } from '../../src/errors.js';

/**
 * Name | primary | alternate, from S. Woodbridge's DoubleMetaPhone surnames.txt as published in
 * Apache Commons Codec's DoubleMetaphone2Test (the entries made of letters and spaces; entries
 * chosen to reach every rule). PostgreSQL's fuzzystrmatch dmetaphone gives the same codes.
 */
const WOODBRIDGE = `
ALLERTON|ALRT|ALRT
Acton|AKTN|AKTN
Adams|ATMS|ATMS
Aggar|AKR|AKR
Ahl|AL|AL
Alcock|ALKK|ALKK
Angier|ANJ|ANJR
Ashby|AXP|AXP
Bachelor|PXLR|PKLR
Barlow|PRL|PRLF
Beauchamp|PXMP|PKMP
Beech|PK|PK
Belcher|PLXR|PLKR
benign|PNN|PNKN
Bergen|PRJN|PRKN
Bigelow|PJL|PKLF
Bosworth|PSR0|PSRT
Bouchier|PX|PKR
Brzozowski|PRSS|PRTS
Burge|PRJ|PRK
Ceeley|SL|SL
Chambers|XMPR|XMPR
Chevalier|XFL|XFLR
Christie|KRST|KRST
Church|XRX|XRK
Clothilde|KL0L|KLTL
Collier|KL|KLR
Copperthwaite|KPR0|KPRT
Count of Brionne|KNTF|KNTF
Crew|KR|KRF
Cutha|K0|KT
Dow|T|TF
Eglinton|AKLN|ALNT
Fischer|FXR|FSKR
Folger|FLKR|FLJR
French|FRNX|FRNK
Frier|FR|FRR
Frothingham|FR0N|FRTN
Gage|KJ|KK
garage|KRJ|KRK
George|JRJ|KRK
Gerken|KRKN|JRKN
Gibbs|KPS|JPS
Giffard|JFRT|KFRT
Gilbert|KLPR|JLPR
Goodnow|KTN|KTNF
Hathaway|H0|HT
Houckgeest|HKJS|HKKS
Hough|H|H
How|H|HF
Hughes|HS|HS
Hungerford|HNKR|HNJR
Huttinger|HTNK|HTNJ
Jackson|JKSN|AKSN
Josephine|JSFN|HSFN
June|JN|AN
Knight|NT|NT
La Pointe|LPNT|LPNT
Langendyck|LNJN|LNKN
Lathrop|L0RP|LTRP
Leager|LKR|LJR
Longespee|LNJS|LNKS
MacKenneth|MKN0|MKNT
Magnus|MNS|MKNS
Marquart|MRKR|MRKR
Mayhew|MH|MHF
McIlroy|MSLR|MSLR
Murchad|MRXT|MRKT
Rachel|RXL|RKL
Reichert|RXRT|RKRT
Rogers|RKRS|RJRS
Sargent|SRJN|SRKN
Schilling|XLNK|XLNK
Schlegel|XLKL|SLKL
Segersall|SJRS|SKRS
Sergeaux|SRJ|SRK
Shaw|X|XF
Slade|SLT|XLT
Smith|SM0|XMT
Snow|SN|XNF
Southworth|S0R0|STRT
Swayze|SS|XTS
Thayer|0R|TR
Thomas|TMS|TMS
Thwaits|0TS|TTS
Turgeon|TRJN|TRKN
Ua Tuathail|AT0L|ATTL
Ulrich|ALRX|ALRK
Van Egmond|FNKM|FNKM
Van der Beek|FNTR|FNTR
Vaughan|FKN|FKN
Wagner|AKNR|FKNR
Wenzell|ANSL|FNTS
Whatlocke|ATLK|ATLK
Winch|ANX|FNK
Winthrop|AN0R|FNTR
Worth|AR0|FRT
Wright|RT|RT
ab Wennonwen|APNN|APNN
de Audeham|TTHM|TTHM
de Beauchamp|TPXM|TPKM
de Haia|T|T
de Hoke|TK|TK
de Hooch|TK|TK
de Hugelville|TJLF|TKLF
de Lusignan|TLSN|TLSK
de Valognes|TFLN|TFLK
di Saluzzo|TSLS|TSLT
fitz Geoffrey|FTSJ|FTSK
la Zouche|LSX|LSK
of Chester|AFXS|AFKS
of Germany|AFKR|AFJR
of the Tributes|AF0T|AFTT
van der Gouda|FNTR|FNTR
ARCHITure|ARKT|ARKT
Arnow|ARN|ARNF
DANGER|TNJR|TNKR
Jankelowicz|JNKL|ANKL
McClellan|MKLL|MKLL
McHugh|MK|MK
McLaughlin|MKLF|MKLF
ORCHEStra|ARKS|ARKS
ORCHID|ARKT|ARKT
Schlesinger|XLSN|SLSN
Uomo|AM|AM
Wasserman|ASRM|FSRM
Womo|AM|FM
Yankelovich|ANKL|ANKL
accede|AKST|AKST
accident|AKST|AKST
aged|AJT|AKT
agio|AJ|AK
artois|ART|ARTS
automation|ATMX|ATMX
bacchus|PKS|PKS
bacci|PX|PX
bajador|PJTR|PHTR
bellocchio|PLX|PLX
bertucci|PRTX|PRTX
biaggi|PJ|PK
bough|P|P
breaux|PR|PR
broughton|PRTN|PRTN
cabrillo|KPRL|KPR
caesar|SSR|SSR
cagney|KKN|KKN
campbell|KMPL|KMPL
carlisle|KRLL|KRLL
chemistry|KMST|KMST
chianti|KNT|KNT
chorus|KRS|KRS
cough|KF|KF
czerny|SRN|XRN
dumb|TM|TM
edgar|ATKR|ATKR
edge|AJ|AJ
filipowicz|FLPT|FLPF
focaccia|FKX|FKX
gallegos|KLKS|KKS
geithain|K0N|JTN
ghiradelli|JRTL|JRTL
ghislane|JLN|JLN
hartheim|HR0M|HRTM
heimsheim|HMSM|HMSM
hochmeier|HKMR|HKMR
hugh|H|H
hunger|HNKR|HNJR
island|ALNT|ALNT
isle|AL|AL
jose|HS|HS
laugh|LF|LF
mac caffrey|MKFR|MKFR
mac gregor|MKRK|MKRK
pegnitz|PNTS|PKNT
piskowitz|PSKT|PSKF
queen|KN|KN
raspberry|RSPR|RSPR
resnais|RSN|RSNS
rogier|RJ|RJR
san jacinto|SNHS|SNHS
schenker|XNKR|SKNK
schermerhorn|XRMR|SKRM
schmidt|XMT|SMT
schneider|XNTR|SNTR
school|SKL|SKL
schrozberg|XRSP|SRSP
schulman|XLMN|XLMN
schwabach|XPK|XFPK
schwarzach|XRSK|XFRT
snider|SNTR|XNTR
succeed|SKST|SKST
sugarcane|XKRK|SKRK
tagliaro|TKLR|TLR
thames|TMS|TMS
theilheim|0LM|TLM
thumb|0M|TM
tichner|TXNR|TKNR
umbrella|AMPR|AMPR
vilshofen|FLXF|FLXF
von schuller|FNXL|FNXL
wachtler|AKTL|FKTL
wechsler|AKSL|FKSL
weikersheim|AKRS|FKRS
zhao|J|J
`;

const table = WOODBRIDGE.trim()
  .split('\n')
  .map((line) => line.split('|') as [string, string, string]);

/** input \t primary \t alternate, from PostgreSQL (see fixtures/gen-double-metaphone-fixture.ts). */
const pgRows = readFileSync(new URL('./fixtures/double-metaphone-pg.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => l.split('\t') as [string, string, string]);

describe('doubleMetaphone — reference codes', () => {
  it('reproduces the Woodbridge surname table', () => {
    expect(table.length).toBeGreaterThan(200);
    const wrong = table.filter(([n, p, a]) => {
      const c = doubleMetaphone(n);
      return c.primary !== p || c.alternate !== a;
    });
    expect(wrong).toEqual([]);
  });

  it('matches PostgreSQL fuzzystrmatch on 3,000 seeded rule-dense words', () => {
    expect(pgRows.length).toBe(3000);
    const wrong = pgRows.filter(([n, p, a]) => {
      const c = doubleMetaphone(n);
      return c.primary !== p || c.alternate !== a;
    });
    expect(wrong).toEqual([]);
  });

  it.each([
    ['Smith', 'SM0', 'XMT'],
    ['Schmidt', 'XMT', 'SMT'],
    ['Xavier', 'SF', 'SFR'],
    ['Nguyễn', 'NKN', 'NKN'],
    ['Trần Văn', 'TRNF', 'TRNF'],
  ])('%s → %s / %s', (name, primary, alternate) => {
    expect(doubleMetaphone(name)).toEqual({ primary, alternate });
  });
});

describe('doubleMetaphone — input handling and options', () => {
  it('folds, ignores non-letters, and gives empty codes without letters', () => {
    expect(doubleMetaphone('Ðoàn')).toEqual(doubleMetaphone('doan'));
    expect(doubleMetaphone('St. Clair')).toEqual(doubleMetaphone('st clair'));
    expect(doubleMetaphone('Mc-Hugh 3')).toEqual(doubleMetaphone('mc hugh'));
    for (const s of ['', ' ', '12', '—', '李']) expect(doubleMetaphone(s)).toEqual({ primary: '', alternate: '' });
  });

  it('truncates to maxLength (default 4); Infinity keeps the whole code', () => {
    expect(DEFAULT_DOUBLE_METAPHONE_MAX_LENGTH).toBe(4);
    expect(doubleMetaphone('Cunningham')).toEqual({ primary: 'KNNK', alternate: 'KNNK' });
    expect(doubleMetaphone('Cunningham', { maxLength: Infinity })).toEqual({ primary: 'KNNKM', alternate: 'KNNKM' });
    expect(doubleMetaphone('Cunningham', { maxLength: 2 })).toEqual({ primary: 'KN', alternate: 'KN' });
    for (const bad of [0, -3, 1.5, NaN]) {
      let err: unknown;
      try {
        doubleMetaphone('x', { maxLength: bad });
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
    }
  });

  it('codes use the Double Metaphone alphabet; a shorter code is a prefix of the longer one', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 24 }), (s) => {
        const long = doubleMetaphone(s, { maxLength: Infinity });
        const short = doubleMetaphone(s);
        const ok = (c: string): boolean => /^[AFHJKLMNPRSTX0]*$/.test(c);
        return (
          ok(long.primary) &&
          ok(long.alternate) &&
          long.primary.startsWith(short.primary) &&
          long.alternate.startsWith(short.alternate) &&
          short.primary.length <= 4 &&
          short.alternate.length <= 4
        );
      }),
      { numRuns: 2000 },
    );
  });
});
