import type { SignatureChecker } from './checker.ts';
import { scriptFail } from './errors.ts';
import { ScriptFlags } from './flags.ts';
import { decodeScriptNum, encodeScriptNum } from './num.ts';
import type { ExecutionData, SigVersion } from './sigversion.ts';

const TRUE = Uint8Array.of(1);
const FALSE = new Uint8Array(0);

/** The interpreter's state for one script run. */
export class Machine {
  readonly stack: Uint8Array[];
  readonly alt: Uint8Array[] = [];
  /** Condition stack: true = executing branch. `falseCount` false entries are on it. */
  readonly cond: boolean[] = [];
  falseCount = 0;
  codeStart = 0;
  opCount = 0;

  constructor(
    stack: Uint8Array[],
    readonly script: Uint8Array,
    readonly flags: number,
    readonly checker: SignatureChecker,
    readonly sigversion: SigVersion,
    readonly exec: ExecutionData,
  ) {
    this.stack = stack;
  }

  need(n: number): void {
    if (this.stack.length < n) scriptFail('INVALID_STACK_OPERATION');
  }

  /** Item `-i` from the top (1 = top). */
  top(i = 1): Uint8Array {
    return this.stack[this.stack.length - i]!;
  }

  pop(): Uint8Array {
    return this.stack.pop()!;
  }

  push(v: Uint8Array): void {
    this.stack.push(v);
  }

  num(i: number, maxLen = 4): number {
    return decodeScriptNum(this.top(i), (this.flags & ScriptFlags.MINIMALDATA) !== 0, maxLen);
  }

  pushNum(n: number): void {
    this.stack.push(encodeScriptNum(n));
  }

  pushBool(b: boolean): void {
    this.stack.push(b ? TRUE : FALSE);
  }

  swap(i: number, j: number): void {
    const s = this.stack;
    const a = s.length - i;
    const b = s.length - j;
    const t = s[a]!;
    s[a] = s[b]!;
    s[b] = t;
  }
}
