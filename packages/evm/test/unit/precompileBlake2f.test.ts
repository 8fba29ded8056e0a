// 0x09 BLAKE2b F on the EIP-152 test vectors 0–7 (vector 8 has 2^32-1 rounds: its output is
// not checked here — about an hour of CPU in JS — but its gas is: it fails below 4294967295).
import { test } from 'node:test';
import { call, expectFail, expectOk } from './precompileHelpers.ts';

const H =
  '48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b';
const M = `616263${'00'.repeat(125)}`;
const T = `0300000000000000${'00'.repeat(8)}`;
const input = (rounds: string, f: string) => rounds + H + M + T + f;

test('EIP-152 vectors 0–3: bad length or final flag fail', () => {
  expectFail(call(9, '', 1000n));
  expectFail(call(9, `00000c${H}${M}${T}01`, 1000n)); // 212 bytes
  expectFail(call(9, `000000000c${H}${M}${T}01`, 1000n)); // 214 bytes
  expectFail(call(9, input('0000000c', '02'), 1000n));
});

test('EIP-152 vectors 4–7: outputs; gas = rounds', () => {
  expectOk(
    call(9, input('00000000', '01'), 0n),
    0n,
    '08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce079217e1319cde05b',
  );
  expectOk(
    call(9, input('0000000c', '01'), 12n),
    12n,
    'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
  );
  expectOk(
    call(9, input('0000000c', '00'), 12n),
    12n,
    '75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d2875298743e7f6d5ea2f2d3e8d226039cd31b4e426ac4f2d3d666a610c2116fde4735',
  );
  expectOk(
    call(9, input('00000001', '01'), 1n),
    1n,
    'b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fba551b3a8333bcdf5f2f7e08993d53923de3d64fcc68c034e717b9293fed7a421',
  );
});

test('gas below the round count fails before any work (vector 8: 2^32-1 rounds)', () => {
  expectFail(call(9, input('0000000c', '01'), 11n));
  expectFail(call(9, input('ffffffff', '01'), 4294967294n));
});
