#!/usr/bin/env python3
"""Independent recomputation of the UTXO-set statistics of a block stream file.

Written separately from the TypeScript code it checks (own block parser, own UTXO walk,
own ChaCha20 from RFC 8439, Python big integers for the group arithmetic), so agreement
means something. Prints one checkpoint line per height in the keel checkpoint format:
    height hash muhash txouts amount
Usage: independent_muhash.py FILE [EVERY]
It follows the file in order (each block must extend the previous one: no reorgs), skips
the genesis coinbase (never in Core's UTXO set) and drops OP_RETURN outputs and scripts
longer than 10,000 bytes (unspendable, never added by Core).
"""
import hashlib
import struct
import sys

P = 2**3072 - 1103717


def rotl(v, c):
    return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))


def chacha20_block(key, counter, nonce=b"\0" * 12):
    const = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    st = const + list(struct.unpack("<8I", key)) + [counter] + list(struct.unpack("<3I", nonce))
    x = st[:]

    def qr(a, b, c, d):
        x[a] = (x[a] + x[b]) & 0xFFFFFFFF; x[d] = rotl(x[d] ^ x[a], 16)
        x[c] = (x[c] + x[d]) & 0xFFFFFFFF; x[b] = rotl(x[b] ^ x[c], 12)
        x[a] = (x[a] + x[b]) & 0xFFFFFFFF; x[d] = rotl(x[d] ^ x[a], 8)
        x[c] = (x[c] + x[d]) & 0xFFFFFFFF; x[b] = rotl(x[b] ^ x[c], 7)

    for _ in range(10):
        qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15)
        qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14)
    return struct.pack("<16I", *[(x[i] + st[i]) & 0xFFFFFFFF for i in range(16)])


def element(data):
    key = hashlib.sha256(data).digest()
    return int.from_bytes(b"".join(chacha20_block(key, i) for i in range(6)), "little")


def varint(b, o):
    n = b[o]
    if n < 0xFD:
        return n, o + 1
    size = {0xFD: 2, 0xFE: 4, 0xFF: 8}[n]
    return int.from_bytes(b[o + 1:o + 1 + size], "little"), o + 1 + size


def parse_tx(b, o):
    start = o
    o += 4
    segwit = b[o] == 0 and b[o + 1] == 1
    if segwit:
        o += 2
    n_in, o = varint(b, o)
    ins = []
    for _ in range(n_in):
        prev = (b[o:o + 32], struct.unpack_from("<I", b, o + 32)[0])
        o += 36
        ln, o = varint(b, o)
        o += ln + 4
        ins.append(prev)
    n_out, o = varint(b, o)
    outs = []
    for _ in range(n_out):
        value = struct.unpack_from("<q", b, o)[0]
        o += 8
        ln, o = varint(b, o)
        outs.append((value, b[o:o + ln]))
        o += ln
    wit_start = o
    if segwit:
        for _ in range(n_in):
            items, o = varint(b, o)
            for _ in range(items):
                ln, o = varint(b, o)
                o += ln
    o += 4
    if segwit:
        stripped = b[start:start + 4] + b[start + 6:wit_start] + b[o - 4:o]
    else:
        stripped = b[start:o]
    txid = hashlib.sha256(hashlib.sha256(stripped).digest()).digest()
    return txid, ins, outs, o


def ser(txid, vout, height, coinbase, value, script):
    out = txid + struct.pack("<I", vout) + struct.pack("<I", height * 2 + coinbase)
    out += struct.pack("<q", value)
    ln = len(script)
    out += bytes([ln]) if ln < 0xFD else (b"\xfd" + struct.pack("<H", ln) if ln <= 0xFFFF else b"\xfe" + struct.pack("<I", ln))
    return out + script


def main():
    data = open(sys.argv[1], "rb").read()
    every = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    utxo = {}
    num, den = 1, 1
    o, height = 0, -1
    prev_hash = None
    while o + 8 <= len(data):
        ln = struct.unpack_from("<I", data, o + 4)[0]
        blk = data[o + 8:o + 8 + ln]
        o += 8 + ln
        header = blk[:80]
        bh = hashlib.sha256(hashlib.sha256(header).digest()).digest()
        if prev_hash is not None and header[4:36] != prev_hash:
            sys.exit("block does not extend the previous one")
        prev_hash = bh
        height += 1
        n_tx, p = varint(blk, 80)
        for t in range(n_tx):
            txid, ins, outs, p = parse_tx(blk, p)
            if height == 0:
                continue  # the genesis coinbase is not in the UTXO set
            if t > 0:
                for prev in ins:
                    value, script, h, cb = utxo.pop(prev)
                    den = den * element(ser(prev[0], prev[1], h, cb, value, script)) % P
            for vout, (value, script) in enumerate(outs):
                if (len(script) > 0 and script[0] == 0x6A) or len(script) > 10000:
                    continue
                utxo[(txid, vout)] = (value, script, height, 1 if t == 0 else 0)
                num = num * element(ser(txid, vout, height, 1 if t == 0 else 0, value, script)) % P
        if height % every == 0:
            x = num * pow(den, P - 2, P) % P
            mh = hashlib.sha256(x.to_bytes(384, "little")).digest()
            amount = sum(v[0] for v in utxo.values())
            print(height, bh[::-1].hex(), mh[::-1].hex(), len(utxo), amount)


main()
