import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Devnet } from '@keel/chain-node';
import { loadKzgBackend } from '@keel/crypto/kzg';
import { ethers } from 'ethers';
import {
  type Chain,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  parseEventLogs,
  serializeTransaction,
  toHex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { WebSocket } from 'ws';
import { rpc, TestDevnet } from '../support/devnet.ts';
import { type Compiled, compile, POINTS_SOL, TOKEN_SOL } from './ethSolc.ts';

/**
 * Ethereum on a 4-validator keel devnet, driven by the real clients: viem deploys an ERC-20
 * compiled by solc, transfers, reads balances and Transfer logs and waits for receipts; ethers
 * does the same with a second contract; plus raw checks of subscriptions and error codes.
 */
describe('Ethereum JSON-RPC on a devnet (viem, ethers, solc)', { timeout: 300_000 }, () => {
  let net: TestDevnet;
  let devnet: Devnet;
  let url: string;
  let contracts: Record<string, Compiled>;
  let chain: Chain;
  let tokenAddress: Hex | null = null;

  before(async () => {
    contracts = compile({ 'KeelToken.sol': TOKEN_SOL, 'Points.sol': POINTS_SOL });
    net = await TestDevnet.start({ name: 'eth-e2e', accounts: 2, height: 2 });
    devnet = net.devnet;
    url = net.url(0);
    chain = net.chain(0);
  });

  after(async () => {
    await net?.stop();
  });

  it('answers the chain queries', async () => {
    const pub = createPublicClient({ chain, transport: http(url) });
    assert.equal(await pub.getChainId(), 1337);
    assert.equal((await rpc(url, 'net_version', [])).result, '1337');
    assert.match(String((await rpc(url, 'web3_clientVersion', [])).result), /^keel\//);
    assert.deepEqual((await rpc(url, 'eth_accounts', [])).result, []);
    const n = await pub.getBlockNumber();
    assert.ok(n >= 2n);
    const b = await pub.getBlock({ blockNumber: n });
    assert.equal(b.number, n);
    const parent = await pub.getBlock({ blockHash: b.parentHash });
    assert.equal(parent.number, n - 1n);
    assert.equal(b.baseFeePerGas, 1_000_000_000n);
    const fees = await pub.getFeeHistory({ blockCount: 3, rewardPercentiles: [50] });
    assert.equal(fees.baseFeePerGas.length, 4);
    const eth0 = devnet.init.ethAccounts[0]!.address as Hex;
    assert.equal(await pub.getBalance({ address: eth0 }), 10n ** 19n);
    assert.equal(await pub.getTransactionCount({ address: eth0 }), 0);
    assert.ok((await pub.getGasPrice()) > 1_000_000_000n);
    assert.equal(BigInt(String((await rpc(url, 'eth_blobBaseFee', [])).result)), 1n);
  });

  it('viem: deploys the solc ERC-20, transfers, reads balances and Transfer logs, waits for receipts', async () => {
    const { abi, bytecode } = contracts.KeelToken!;
    const account = privateKeyToAccount(devnet.init.ethAccounts[0]!.privateKey as Hex);
    const to = devnet.init.ethAccounts[1]!.address as Hex;
    const pub = createPublicClient({ chain, transport: http(url), pollingInterval: 200 });
    const wallet = createWalletClient({ chain, transport: http(url), account });
    const supply = 1_000_000n * 10n ** 18n;
    const deployHash = await wallet.deployContract({
      chain,
      abi,
      bytecode,
      args: ['Keel Token', 'KEEL', supply],
    });
    const deployed = await pub.waitForTransactionReceipt({ hash: deployHash, timeout: 30_000 });
    assert.equal(deployed.status, 'success');
    const token = deployed.contractAddress!;
    assert.ok(token);
    tokenAddress = token;
    assert.ok((await pub.getCode({ address: token }))!.length > 100);
    assert.equal(await pub.readContract({ address: token, abi, functionName: 'symbol' }), 'KEEL');
    // transfers from another node's RPC, too: the tx is gossiped and included
    const other = createWalletClient({
      chain,
      transport: http(devnet.nodes[2]!.rpcUrl),
      account,
    });
    const h1 = await wallet.writeContract({
      chain,
      address: token,
      abi,
      functionName: 'transfer',
      args: [to, 1234n],
    });
    const r1 = await pub.waitForTransactionReceipt({ hash: h1, timeout: 30_000 });
    const h2 = await other.writeContract({
      chain,
      address: token,
      abi,
      functionName: 'transfer',
      args: [to, 66n],
    });
    const r2 = await pub.waitForTransactionReceipt({ hash: h2, timeout: 30_000 });
    assert.equal(r1.status, 'success');
    assert.equal(r2.status, 'success');
    assert.equal(
      await pub.readContract({ address: token, abi, functionName: 'balanceOf', args: [to] }),
      1300n,
    );
    assert.equal(
      await pub.readContract({
        address: token,
        abi,
        functionName: 'balanceOf',
        args: [account.address],
      }),
      supply - 1300n,
    );
    const decoded = parseEventLogs({ abi, logs: r1.logs, eventName: 'Transfer' }) as unknown as {
      args: { from: Hex; to: Hex; value: bigint };
    }[];
    assert.equal(decoded.length, 1);
    assert.equal(decoded[0]!.args.to.toLowerCase(), to.toLowerCase());
    assert.equal(decoded[0]!.args.value, 1234n);
    const events = (await pub.getContractEvents({
      address: token,
      abi,
      eventName: 'Transfer',
      fromBlock: 0n,
    })) as unknown as { args: { value: bigint }; blockNumber: bigint; transactionHash: Hex }[];
    assert.deepEqual(
      events.map((e) => e.args.value),
      [supply, 1234n, 66n],
    );
    assert.equal(events[1]!.transactionHash, h1);
    const tx = await pub.getTransaction({ hash: h1 });
    assert.equal(tx.from.toLowerCase(), account.address.toLowerCase());
    assert.equal(tx.blockNumber, r1.blockNumber);
    const block = await pub.getBlock({ blockNumber: r1.blockNumber, includeTransactions: true });
    assert.ok(block.transactions.some((t) => t.hash === h1));
    assert.equal(block.gasUsed >= r1.gasUsed, true);
    // eth_call reverts carry code 3 and the revert data
    const err = await rpc(url, 'eth_call', [
      {
        from: to,
        to: token,
        data: `0xa9059cbb${account.address.slice(2).padStart(64, '0')}${(10n ** 30n).toString(16).padStart(64, '0')}`,
      },
      'latest',
    ]);
    assert.equal(err.error?.code, 3);
    assert.match(err.error!.message, /balance too low/);
    assert.match(String(err.error!.data), /^0x08c379a0/);
  });

  it('filters: viem createEventFilter/getFilterChanges, block and pending filters, watchEvent (poll), eth_syncing', async () => {
    assert.ok(tokenAddress, 'the viem test deployed no token');
    const { abi } = contracts.KeelToken!;
    const account = privateKeyToAccount(devnet.init.ethAccounts[0]!.privateKey as Hex);
    const to = devnet.init.ethAccounts[2]!.address as Hex;
    const pub = createPublicClient({ chain, transport: http(url), pollingInterval: 200 });
    const wallet = createWalletClient({ chain, transport: http(url), account });
    assert.equal((await rpc(url, 'eth_syncing', [])).result, false);
    const events = await pub.createContractEventFilter({
      address: tokenAddress,
      abi,
      eventName: 'Transfer',
    });
    const blocks = await pub.createBlockFilter();
    const pending = await pub.createPendingTransactionFilter();
    const watched: bigint[] = [];
    const unwatch = pub.watchContractEvent({
      address: tokenAddress,
      abi,
      eventName: 'Transfer',
      poll: true,
      pollingInterval: 200,
      onLogs: (logs) => {
        for (const l of logs)
          watched.push((l as unknown as { args: { value: bigint } }).args.value);
      },
    });
    await new Promise((r) => setTimeout(r, 500));
    const h = await wallet.writeContract({
      chain,
      address: tokenAddress,
      abi,
      functionName: 'transfer',
      args: [to, 777n],
    });
    const pendingSeen = (await pub.getFilterChanges({ filter: pending })) as Hex[];
    const rc = await pub.waitForTransactionReceipt({ hash: h, timeout: 30_000 });
    const changes = (await pub.getFilterChanges({ filter: events })) as unknown as {
      args: { value: bigint };
      transactionHash: Hex;
    }[];
    assert.deepEqual(
      changes.map((c) => c.args.value),
      [777n],
    );
    assert.equal(changes[0]!.transactionHash, h);
    // reported once: the next poll has nothing new
    assert.deepEqual(await pub.getFilterChanges({ filter: events }), []);
    const all = (await pub.getFilterLogs({ filter: events })) as unknown as {
      transactionHash: Hex;
    }[];
    assert.ok(all.some((l) => l.transactionHash === h));
    const newBlocks = (await pub.getFilterChanges({ filter: blocks })) as Hex[];
    assert.ok(newBlocks.includes(rc.blockHash), 'the inclusion block is not in the block filter');
    // the tx was pending when polled right after sending, or already included (fast block)
    const pendingAfter = (await pub.getFilterChanges({ filter: pending })) as Hex[];
    assert.ok(
      pendingSeen.includes(h) || pendingAfter.length === 0,
      'pending filter returned unrelated hashes',
    );
    const end = Date.now() + 10_000;
    while (!watched.includes(777n) && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
    unwatch();
    assert.ok(watched.includes(777n), 'watchContractEvent (poll) missed the Transfer');
    assert.equal(await pub.uninstallFilter({ filter: events }), true);
    assert.equal(await pub.uninstallFilter({ filter: events }), false);
    const gone = await rpc(url, 'eth_getFilterChanges', [events.id]);
    assert.equal(gone.error?.code, -32000);
    assert.match(gone.error!.message, /filter not found/);
    const badId = await rpc(url, 'eth_getFilterChanges', ['nonsense']);
    assert.equal(badId.error?.code, -32602);
  });

  it('ethers: deploys a second contract, mints, transfers, queries events and revert reasons', async () => {
    const { abi, bytecode } = contracts.Points!;
    const provider = new ethers.JsonRpcProvider(devnet.nodes[1]!.rpcUrl, 1337, {
      staticNetwork: true,
      pollingInterval: 200,
    });
    const owner = new ethers.Wallet(devnet.init.ethAccounts[2]!.privateKey, provider);
    const alice = new ethers.Wallet(devnet.init.ethAccounts[3]!.privateKey, provider);
    const factory = new ethers.ContractFactory(abi as ethers.InterfaceAbi, bytecode, owner);
    const points = (await factory.deploy()) as ethers.Contract;
    await points.waitForDeployment();
    const address = await points.getAddress();
    assert.equal(await points.getFunction('owner')(), owner.address);
    const mint = await points.getFunction('mint')(alice.address, 500n);
    const mr = await mint.wait();
    assert.equal(mr.status, 1);
    const asAlice = points.connect(alice) as ethers.Contract;
    const t = await asAlice.getFunction('transfer')(owner.address, 120n);
    const tr = await t.wait();
    assert.equal(tr.status, 1);
    assert.equal(await points.getFunction('balanceOf')(alice.address), 380n);
    assert.equal(await points.getFunction('balanceOf')(owner.address), 120n);
    const transfers = await points.queryFilter(points.filters.Transfer!(), 0);
    assert.equal(transfers.length, 1);
    const ev = transfers[0] as ethers.EventLog;
    assert.equal(ev.args[0], alice.address);
    assert.equal(ev.args[2], 120n);
    const minted = await points.queryFilter(points.filters.Minted!(alice.address), 0);
    assert.equal(minted.length, 1);
    const logs = await provider.getLogs({ address, fromBlock: 0 });
    assert.equal(logs.length, 2);
    await assert.rejects(
      () => (points.connect(alice) as ethers.Contract).getFunction('mint')(alice.address, 1n),
      (e: Error) => /only owner/.test(e.message),
    );
  });

  it('blob transactions round-trip: KZG-checked admission, inclusion, the sidecar served by block', async () => {
    const kzg = await loadKzgBackend('auto');
    const account = privateKeyToAccount(devnet.init.ethAccounts[3]!.privateKey as Hex);
    const blob = new Uint8Array(131_072);
    for (let i = 0; i < 4096; i++) blob[i * 32 + 7] = (i * 7) & 0xff;
    const pub = createPublicClient({ chain, transport: http(url), pollingInterval: 200 });
    const nonce = await pub.getTransactionCount({ address: account.address, blockTag: 'pending' });
    const raw = await account.signTransaction({
      chainId: 1337,
      type: 'eip4844',
      nonce,
      to: account.address,
      gas: 21_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
      maxFeePerBlobGas: 10n,
      blobs: [toHex(blob)],
      kzg: {
        blobToKzgCommitment: (b) => kzg.blobToKzgCommitment(b),
        computeBlobKzgProof: (b, c) => kzg.computeBlobKzgProof(b, c),
      },
    });
    // a sidecar whose blob does not match its proof is refused
    const tampered = `${raw.slice(0, raw.length - 300)}${raw.slice(raw.length - 300).replace(/[0-9a-f]/, (c) => (c === '0' ? '1' : '0'))}`;
    const bad = await rpc(url, 'eth_sendRawTransaction', [tampered]);
    assert.equal(bad.error?.code, -32000);
    const hash = (await rpc(url, 'eth_sendRawTransaction', [raw])).result as Hex;
    assert.match(hash, /^0x[0-9a-f]{64}$/);
    const rc = await pub.waitForTransactionReceipt({ hash, timeout: 30_000 });
    assert.equal(rc.status, 'success');
    assert.equal(rc.type, 'eip4844');
    assert.equal(rc.blobGasUsed, 131_072n);
    const side = (await rpc(url, 'blobSidecars', [toHex(rc.blockNumber)])).result as {
      transactionHash: string;
      blob: string;
      kzgCommitment: string;
    }[];
    assert.equal(side.length, 1);
    assert.equal(side[0]!.transactionHash, hash);
    assert.equal(side[0]!.blob, toHex(blob));
    // another node got the sidecar by gossip and stored it too
    let other: unknown[] = [];
    for (let i = 0; i < 100 && other.length === 0; i++) {
      const r = await rpc(devnet.nodes[3]!.rpcUrl, 'blobSidecars', [rc.blockHash]);
      other = (r.result ?? []) as unknown[];
      if (other.length === 0) await new Promise((res) => setTimeout(res, 200));
    }
    assert.equal(other.length, 1);
  });

  it('streams newHeads and logs over WebSocket (eth_subscribe)', async () => {
    const ws = new WebSocket(url.replace('http', 'ws'));
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    const got: { subscription: string; result: Record<string, unknown> }[] = [];
    const replies = new Map<number, unknown>();
    ws.on('message', (m) => {
      const o = JSON.parse(String(m));
      if (o.method === 'eth_subscription') got.push(o.params);
      else replies.set(o.id, o.result);
    });
    ws.send(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }),
    );
    ws.send(
      JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'eth_subscribe', params: ['logs', {}] }),
    );
    const account = privateKeyToAccount(devnet.init.ethAccounts[1]!.privateKey as Hex);
    const wallet = createWalletClient({ chain, transport: http(url), account });
    const { abi, bytecode } = contracts.KeelToken!;
    await wallet.deployContract({ chain, abi, bytecode, args: ['Sub', 'SUB', 7n] });
    const end = Date.now() + 20_000;
    while (
      Date.now() < end &&
      !(
        got.some((g) => g.subscription === replies.get(2)) &&
        got.some((g) => g.subscription === replies.get(1))
      )
    )
      await new Promise((r) => setTimeout(r, 100));
    ws.close();
    const heads = got.filter((g) => g.subscription === replies.get(1));
    const logs = got.filter((g) => g.subscription === replies.get(2));
    assert.ok(heads.length > 0, 'no newHeads notification');
    assert.match(String(heads[0]!.result.hash), /^0x[0-9a-f]{64}$/);
    assert.ok(logs.length > 0, 'no logs notification');
  });

  it('refuses bad input with the standard codes: wrong chain id, bad params, nonce too low, garbage', async () => {
    const account = privateKeyToAccount(devnet.init.ethAccounts[0]!.privateKey as Hex);
    const wrong = await account.signTransaction({
      chainId: 1,
      type: 'eip1559',
      nonce: 0,
      to: account.address,
      gas: 21_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
      value: 0n,
    });
    const e1 = await rpc(url, 'eth_sendRawTransaction', [wrong]);
    assert.equal(e1.error?.code, -32000);
    assert.match(e1.error!.message, /chain id/);
    const low = await account.signTransaction({
      chainId: 1337,
      type: 'eip1559',
      nonce: 0,
      to: account.address,
      gas: 21_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
    });
    const e2 = await rpc(url, 'eth_sendRawTransaction', [low]);
    assert.equal(e2.error?.code, -32000);
    assert.match(e2.error!.message, /nonce/);
    const e3 = await rpc(url, 'eth_getBalance', ['0x1234', 'latest']);
    assert.equal(e3.error?.code, -32602);
    const e4 = await rpc(url, 'eth_sendRawTransaction', ['0x02c0ffee']);
    assert.equal(e4.error?.code, -32000);
    const unsigned = serializeTransaction({
      chainId: 1337,
      type: 'eip1559',
      to: account.address,
      gas: 21_000n,
      maxFeePerGas: 1n,
    });
    const e5 = await rpc(url, 'eth_sendRawTransaction', [unsigned]);
    assert.ok(e5.error, 'an unsigned transaction was accepted');
    const e6 = await rpc(url, 'eth_getBlockByNumber', ['0x99999999', false]);
    assert.equal(e6.result, null);
    const e7 = await rpc(url, 'eth_nosuch', []);
    assert.equal(e7.error?.code, -32601);
  });
});
