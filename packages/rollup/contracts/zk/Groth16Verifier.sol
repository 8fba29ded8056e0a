// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// keel's Groth16 verifier for BN254 circuits with one public input, snarkjs's calldata ABI.
/// The verification key is given at deployment (immutables), so one bytecode serves every
/// circuit; G2 coordinates are in EIP-197 order (imaginary part first), as snarkjs's calldata.
/// Accepts iff e(-A, B) · e(α, β) · e(L, γ) · e(C, δ) = 1 with L = IC0 + input·IC1, computed
/// with the 0x06 (add), 0x07 (mul) and 0x08 (pairing) precompiles. Off-curve or out-of-range
/// inputs make a precompile fail, and then verifyProof returns false.
contract Groth16Verifier {
  uint256 internal constant P =
    21888242871839275222246405745257275088696311157297823662689037894645226208583;
  uint256 internal constant R =
    21888242871839275222246405745257275088548364400416034343698204186575808495617;

  uint256 internal immutable alphaX;
  uint256 internal immutable alphaY;
  uint256 internal immutable betaX1;
  uint256 internal immutable betaX0;
  uint256 internal immutable betaY1;
  uint256 internal immutable betaY0;
  uint256 internal immutable gammaX1;
  uint256 internal immutable gammaX0;
  uint256 internal immutable gammaY1;
  uint256 internal immutable gammaY0;
  uint256 internal immutable deltaX1;
  uint256 internal immutable deltaX0;
  uint256 internal immutable deltaY1;
  uint256 internal immutable deltaY0;
  uint256 internal immutable ic0X;
  uint256 internal immutable ic0Y;
  uint256 internal immutable ic1X;
  uint256 internal immutable ic1Y;

  /// vk = [alpha.x, alpha.y, beta(x1,x0,y1,y0), gamma(…), delta(…), IC0.x, IC0.y, IC1.x, IC1.y]
  constructor(uint256[18] memory vk) {
    alphaX = vk[0];
    alphaY = vk[1];
    betaX1 = vk[2];
    betaX0 = vk[3];
    betaY1 = vk[4];
    betaY0 = vk[5];
    gammaX1 = vk[6];
    gammaX0 = vk[7];
    gammaY1 = vk[8];
    gammaY0 = vk[9];
    deltaX1 = vk[10];
    deltaX0 = vk[11];
    deltaY1 = vk[12];
    deltaY0 = vk[13];
    ic0X = vk[14];
    ic0Y = vk[15];
    ic1X = vk[16];
    ic1Y = vk[17];
  }

  function verifyProof(
    uint256[2] calldata a,
    uint256[2][2] calldata b,
    uint256[2] calldata c,
    uint256[1] calldata input
  ) external view returns (bool) {
    if (input[0] >= R || a[0] >= P || a[1] >= P) return false;
    (bool ok, uint256 lx, uint256 ly) = _linearCombination(input[0]);
    if (!ok) return false;
    uint256[24] memory w;
    w[0] = a[0];
    w[1] = a[1] == 0 ? 0 : P - a[1]; // -A
    w[2] = b[0][0];
    w[3] = b[0][1];
    w[4] = b[1][0];
    w[5] = b[1][1];
    w[6] = alphaX;
    w[7] = alphaY;
    w[8] = betaX1;
    w[9] = betaX0;
    w[10] = betaY1;
    w[11] = betaY0;
    w[12] = lx;
    w[13] = ly;
    w[14] = gammaX1;
    w[15] = gammaX0;
    w[16] = gammaY1;
    w[17] = gammaY0;
    w[18] = c[0];
    w[19] = c[1];
    w[20] = deltaX1;
    w[21] = deltaX0;
    w[22] = deltaY1;
    w[23] = deltaY0;
    uint256[1] memory out;
    assembly {
      ok := staticcall(gas(), 0x08, w, 768, out, 32)
    }
    return ok && out[0] == 1;
  }

  /// IC0 + s·IC1 with the 0x07 and 0x06 precompiles.
  function _linearCombination(uint256 s) internal view returns (bool ok, uint256 x, uint256 y) {
    uint256[4] memory buf;
    buf[0] = ic1X;
    buf[1] = ic1Y;
    buf[2] = s;
    assembly {
      ok := staticcall(gas(), 0x07, buf, 96, buf, 64)
    }
    if (!ok) return (false, 0, 0);
    buf[2] = ic0X;
    buf[3] = ic0Y;
    assembly {
      ok := staticcall(gas(), 0x06, buf, 128, buf, 64)
    }
    return (ok, buf[0], buf[1]);
  }
}
