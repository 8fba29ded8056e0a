import { z } from 'zod';

/**
 * Where `keel contract deploy|call` act: a local state directory (`--state`) or a running node
 * (`--rpc`, signing with `--secret-key-file`). Exactly one of the two.
 */
export const targetShape = {
  state: z.string().min(1).optional(),
  rpc: z.string().url().optional(),
  secretKeyFile: z.string().min(1).optional(),
  gasPrice: z
    .string()
    .regex(/^[0-9]{1,30}$/, 'a decimal amount')
    .default('1'),
  nonce: z.coerce.number().int().min(0).optional(),
  timeout: z.coerce.number().int().min(1).max(3600).default(60),
};

type Target = {
  state?: string | undefined;
  rpc?: string | undefined;
  secretKeyFile?: string | undefined;
  dryRun?: boolean;
};

/** The cross-field rules of `targetShape`, for `.superRefine`. */
export function checkTarget(o: Target, ctx: z.RefinementCtx): void {
  if ((o.state === undefined) === (o.rpc === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['state'],
      message: 'give exactly one of --state DIR (local sandbox) or --rpc URL (a running node)',
    });
  }
  if (o.rpc !== undefined && o.secretKeyFile === undefined && !o.dryRun) {
    ctx.addIssue({
      code: 'custom',
      path: ['secretKeyFile'],
      message: '--rpc needs --secret-key-file (the sender’s ed25519 seed) to sign',
    });
  }
}

export function addTargetFlags<T extends import('commander').Command>(c: T): T {
  return c
    .option('--state <dir>', 'local state directory (created on first deploy)')
    .option('--rpc <url>', 'instead of --state: a running node’s JSON-RPC URL')
    .option(
      '--secret-key-file <file>',
      'with --rpc: file with the sender’s 32-byte ed25519 seed (hex)',
    )
    .option('--gas-price <n>', 'with --rpc: fee per gas unit', '1')
    .option('--nonce <n>', 'with --rpc: nonce (default: the account’s next nonce from the node)')
    .option('--timeout <s>', 'with --rpc: seconds to wait for the transaction’s block', '60') as T;
}
