/**
 * Addresses as Map keys: one latin1 character per byte (a 20-character string), which V8 hashes
 * and compares faster than a hex string and builds without a lookup table.
 */
export function addressKey(address: Uint8Array): string {
  return String.fromCharCode(
    address[0]!,
    address[1]!,
    address[2]!,
    address[3]!,
    address[4]!,
    address[5]!,
    address[6]!,
    address[7]!,
    address[8]!,
    address[9]!,
    address[10]!,
    address[11]!,
    address[12]!,
    address[13]!,
    address[14]!,
    address[15]!,
    address[16]!,
    address[17]!,
    address[18]!,
    address[19]!,
  );
}

export function keyToAddress(key: string): Uint8Array {
  const out = new Uint8Array(20);
  for (let i = 0; i < 20; i++) out[i] = key.charCodeAt(i);
  return out;
}
