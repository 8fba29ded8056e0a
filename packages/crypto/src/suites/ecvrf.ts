import type { ConformanceSuite, SuiteContext } from '@keel/conformance';
import { bytesToHex, hexToBytes } from '@keel/util';
import {
  expandSecretKey,
  intToString,
  PT_LEN,
  proveTrace,
  SUITES,
  type SuiteParams,
  verifyTrace,
} from '../ecvrf/_internal.ts';
import { encodeToCurveTAI, Point, traceELL2 } from '../ecvrf/hashToCurve.ts';
import { createECVRF } from '../ecvrf/index.ts';
import type { ECVRFSuiteName } from '../ecvrf/types.ts';
import { ED25519_L } from '../ed25519/rules.ts';
import { CryptoError, CryptoErrorCode } from '../errors.ts';

const RFC_FILE = 'ecvrf/vectors.json';
const DRAFT03_FILE = 'ecvrf/draft03_legacy.json';

type Case = Record<string, string | number | boolean>;
interface VectorFile {
  suites: { suite: string; suite_string: string; cases: Case[] }[];
}

const COMMON = [
  'example',
  'SK',
  'PK',
  'alpha_hex',
  'x',
  'H',
  'k_string',
  'k',
  'U',
  'V',
  'pi',
  'beta',
];
const KNOWN_FIELDS: Readonly<Record<ECVRFSuiteName, ReadonlySet<string>>> = {
  'ECVRF-EDWARDS25519-SHA512-TAI': new Set([...COMMON, 'try_and_increment_ctr']),
  'ECVRF-EDWARDS25519-SHA512-ELL2': new Set([
    ...COMMON,
    'ell2_uniform_bytes',
    'ell2_u',
    'ell2_gx1',
    'ell2_gx1_is_square',
  ]),
};

const hex = (c: Case, f: string): string => {
  const v = c[f];
  if (typeof v !== 'string') throw badVectors(`field ${f} missing or not a string`);
  return v.toLowerCase();
};
const badVectors = (msg: string) => new CryptoError(CryptoErrorCode.INVALID_INPUT, msg);
const le32 = (n: bigint): string => bytesToHex(intToString(n, 32));

function suiteByName(name: string): SuiteParams {
  const params = SUITES[name as ECVRFSuiteName];
  if (!params) throw badVectors(`unknown suite ${name} in ${RFC_FILE}`);
  return params;
}

/** Every field the RFC prints, recomputed from SK and alpha, plus verify and proof_to_hash. */
function checkRfcCase(ctx: SuiteContext, params: SuiteParams, c: Case): void {
  for (const f of Object.keys(c)) {
    ctx.expectTrue(KNOWN_FIELDS[params.name].has(f), `unknown field ${f}: extend the suite`);
  }
  const vrf = createECVRF(params.name);
  const sk = hexToBytes(hex(c, 'SK'));
  const alpha = hexToBytes(hex(c, 'alpha_hex'));
  const t = proveTrace(params, sk, alpha);
  ctx.expectEqual(bytesToHex(vrf.getPublicKey(sk)), hex(c, 'PK'), 'PK');
  ctx.expectEqual(le32(t.x), hex(c, 'x'), 'x');
  ctx.expectEqual(bytesToHex(t.H), hex(c, 'H'), 'H');
  ctx.expectEqual(bytesToHex(t.kString), hex(c, 'k_string'), 'k_string');
  ctx.expectEqual(le32(t.k), hex(c, 'k'), 'k');
  ctx.expectEqual(bytesToHex(t.U), hex(c, 'U'), 'U');
  ctx.expectEqual(bytesToHex(t.V), hex(c, 'V'), 'V');
  ctx.expectEqual(bytesToHex(t.pi), hex(c, 'pi'), 'pi');
  ctx.expectEqual(bytesToHex(vrf.prove(sk, alpha)), hex(c, 'pi'), 'prove()');
  const pi = hexToBytes(hex(c, 'pi'));
  const pk = hexToBytes(hex(c, 'PK'));
  ctx.expectEqual(bytesToHex(vrf.proofToHash(pi)), hex(c, 'beta'), 'proofToHash(pi)');
  const beta = vrf.verify(pk, pi, alpha);
  ctx.expectEqual(beta && bytesToHex(beta), hex(c, 'beta'), 'verify(pk, pi, alpha)');
  const v = verifyTrace(params, pk, pi, alpha, true);
  ctx.expectEqual(v.U && bytesToHex(v.U), hex(c, 'U'), 'verifier U = s·B − c·Y');
  ctx.expectEqual(v.V && bytesToHex(v.V), hex(c, 'V'), 'verifier V = s·H − c·Gamma');
  if (params.encoding === 'tai') {
    const { ctr } = encodeToCurveTAI(params.suiteString, pk, alpha);
    ctx.expectEqual(ctr, c.try_and_increment_ctr, 'try_and_increment_ctr');
  } else {
    checkEll2(ctx, params, c, pk, alpha, t.H);
  }
}

function checkEll2(
  ctx: SuiteContext,
  params: SuiteParams,
  c: Case,
  pk: Uint8Array,
  alpha: Uint8Array,
  H: Uint8Array,
): void {
  const e = traceELL2(params.suiteString, pk, alpha);
  ctx.expectEqual(bytesToHex(e.uniformBytes), hex(c, 'ell2_uniform_bytes'), 'ell2_uniform_bytes');
  ctx.expectEqual(le32(e.u), hex(c, 'ell2_u'), 'ell2_u');
  ctx.expectEqual(le32(e.gx1), hex(c, 'ell2_gx1'), 'ell2_gx1');
  ctx.expectEqual(e.gx1IsSquare, c.ell2_gx1_is_square, 'ell2_gx1_is_square');
  // RFC 9380 §6.7.1: x = x1 when gx1 is square, else x2 = −x1 − J
  const Fp = Point.Fp;
  const x2 = Fp.sub(Fp.neg(e.x1), 486662n);
  ctx.expectEqual(e.montgomeryX, e.gx1IsSquare ? e.x1 : x2, 'Elligator2 branch');
  ctx.expectEqual(bytesToHex(e.H.toBytes()), bytesToHex(H), 'clear_cofactor(map_to_curve(u)) = H');
}

/** A valid proof must stop verifying under any single change. */
function checkRfcNegatives(ctx: SuiteContext, params: SuiteParams, c: Case): void {
  const vrf = createECVRF(params.name);
  const other = createECVRF(
    params.encoding === 'tai' ? 'ECVRF-EDWARDS25519-SHA512-ELL2' : 'ECVRF-EDWARDS25519-SHA512-TAI',
  );
  const pk = hexToBytes(hex(c, 'PK'));
  const pi = hexToBytes(hex(c, 'pi'));
  const alpha = hexToBytes(hex(c, 'alpha_hex'));
  for (const byte of [0, 9, 31, 32, 40, 47, 48, 63, 79]) {
    const bad = pi.slice();
    bad[byte]! ^= 1 << (byte % 8);
    ctx.expectEqual(
      vrf.verify(pk, bad, alpha),
      null,
      `pi with bit ${byte % 8} of byte ${byte} flipped`,
    );
  }
  // s + q ≡ s (mod q): §5.4.4 step 8 rejects it, so proofs are not malleable
  const s = hexToBytes(hex(c, 'pi')).subarray(PT_LEN + 16);
  let sv = 0n;
  for (let i = 31; i >= 0; i--) sv = (sv << 8n) | BigInt(s[i]!);
  const mall = pi.slice();
  mall.set(intToString(sv + ED25519_L, 32), PT_LEN + 16);
  ctx.expectEqual(vrf.verify(pk, mall, alpha), null, 'pi with s + q');
  const alpha2 = alpha.length ? alpha.map((b, i) => (i === 0 ? b ^ 1 : b)) : new Uint8Array([0]);
  ctx.expectEqual(vrf.verify(pk, pi, alpha2), null, 'wrong alpha');
  ctx.expectEqual(vrf.verify(pk, pi, new Uint8Array([...alpha, 0])), null, 'alpha ‖ 0x00');
  const sk2 = hexToBytes(hex(c, 'SK'));
  sk2[0]! ^= 1;
  ctx.expectEqual(vrf.verify(vrf.getPublicKey(sk2), pi, alpha), null, 'wrong public key');
  ctx.expectEqual(other.verify(pk, pi, alpha), null, `proof checked under ${other.suite}`);
}

/** Draft-03 proofs for the same keys must differ from ours and must not verify. */
function checkDraft03(ctx: SuiteContext, params: SuiteParams, c: Case): void {
  const vrf = createECVRF(params.name);
  const sk = hexToBytes(hex(c, 'SK'));
  const alpha = hexToBytes(hex(c, 'alpha_hex'));
  const pk = hexToBytes(hex(c, 'PK'));
  // same key derivation, so any difference below comes from the RFC 9381 changes
  ctx.expectEqual(bytesToHex(expandSecretKey(sk).publicKey), hex(c, 'PK'), 'PK (same as draft-03)');
  ctx.expectEqual(le32(expandSecretKey(sk).x), hex(c, 'x'), 'x (same as draft-03)');
  const t = proveTrace(params, sk, alpha);
  ctx.expectTrue(bytesToHex(t.H) !== hex(c, 'H'), 'H must differ from draft-03');
  ctx.expectTrue(bytesToHex(t.pi) !== hex(c, 'pi'), 'pi must differ from draft-03');
  ctx.expectTrue(
    bytesToHex(vrf.proofToHash(t.pi)) !== hex(c, 'beta'),
    'beta must differ from draft-03',
  );
  ctx.expectEqual(
    vrf.verify(pk, hexToBytes(hex(c, 'pi')), alpha),
    null,
    'draft-03 pi must not verify',
  );
}

const SHORT: Readonly<Record<string, string>> = { tai: 'TAI', ell2: 'ELL2' };

export const ecvrfSuite: ConformanceSuite = {
  name: 'ecvrf',
  description:
    'RFC 9381 ECVRF-EDWARDS25519-SHA512-TAI/ELL2: every intermediate value, verify, negatives; draft-03 vectors must not reproduce',
  files: [RFC_FILE, DRAFT03_FILE],
  ownsDirs: ['ecvrf'],
  // 6 RFC cases × (fields + negatives) + 6 draft-03 cases
  expectedCases: 18,
  run(ctx) {
    const rfc = ctx.readJson(RFC_FILE) as VectorFile;
    for (const s of rfc.suites) {
      const params = suiteByName(s.suite);
      if (Number.parseInt(s.suite_string, 16) !== params.suiteString) {
        throw badVectors(`suite_string ${s.suite_string} does not match ${s.suite}`);
      }
      for (const c of s.cases) {
        const id = `${SHORT[params.encoding]}/example-${c.example}`;
        ctx.check(id, () => checkRfcCase(ctx, params, c));
        ctx.check(`${id}/negative`, () => checkRfcNegatives(ctx, params, c));
      }
    }
    const draft = ctx.readJson(DRAFT03_FILE) as VectorFile;
    for (const s of draft.suites) {
      const params =
        s.suite_string === '03'
          ? SUITES['ECVRF-EDWARDS25519-SHA512-TAI']
          : SUITES['ECVRF-EDWARDS25519-SHA512-ELL2'];
      s.cases.forEach((c, i) => {
        ctx.check(`draft03/${SHORT[params.encoding]}/${i}`, () => checkDraft03(ctx, params, c));
      });
    }
  },
};
