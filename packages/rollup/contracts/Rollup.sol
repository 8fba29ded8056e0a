// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// snarkjs's Groth16 verifier ABI with one public signal (helper C generates the bytecode).
interface IGroth16Verifier1 {
  function verifyProof(
    uint256[2] calldata a,
    uint256[2][2] calldata b,
    uint256[2] calldata c,
    uint256[1] calldata input
  ) external view returns (bool);
}

/// keel L2 rollup on L1: batches arrive as blob transactions, each records its blob versioned
/// hashes (BLOBHASH) and the claimed L2 output root. Finality: after the challenge period with no
/// dispute (optimistic) or at once on a valid Groth16 proof (zk). See packages/rollup/README.md.
contract Rollup {
  struct Batch {
    bytes32 outputRoot;
    uint64 submittedAt;
    uint64 lastL2Block;
    bool proven;
    bool disputed;
  }

  address public immutable sequencer;
  uint256 public immutable challengePeriod;
  uint8 public immutable mode; // 0 optimistic, 1 zk
  address public immutable zkVerifier;
  address public immutable disputeGame;

  Batch[] internal batches;
  mapping(uint256 => bytes32[]) internal blobHashesOf;

  event BatchSubmitted(
    uint256 indexed index, bytes32 outputRoot, uint64 lastL2Block, bytes32[] blobHashes
  );
  event BatchProven(uint256 indexed index);
  event DisputeOpened(uint256 indexed index);
  event DisputeResolved(uint256 indexed index, bool challengerWon);
  event BatchesInvalidated(uint256 indexed fromIndex);

  error NotSequencer();
  error NotDisputeGame();
  error NoBlobs();
  error UnknownBatch(uint256 index);
  error WrongMode();
  error InvalidProof();
  error ChallengePeriodOver(uint256 index);
  error AlreadyDisputed(uint256 index);
  error NotDisputed(uint256 index);

  constructor(
    address sequencer_,
    uint256 challengePeriod_,
    uint8 mode_,
    address zkVerifier_,
    address disputeGame_
  ) {
    require(mode_ <= 1, "mode");
    sequencer = sequencer_;
    challengePeriod = challengePeriod_;
    mode = mode_;
    zkVerifier = zkVerifier_;
    disputeGame = disputeGame_;
  }

  /// Called in a type-3 transaction; its blob versioned hashes are the batch's data.
  function submitBatch(bytes32 outputRoot, uint64 lastL2Block) external returns (uint256 index) {
    if (msg.sender != sequencer) revert NotSequencer();
    uint256 n = 0;
    while (n < 6 && blobhash(n) != bytes32(0)) n++;
    if (n == 0) revert NoBlobs();
    bytes32[] memory hashes = new bytes32[](n);
    for (uint256 i = 0; i < n; i++) hashes[i] = blobhash(i);
    index = batches.length;
    batches.push(Batch(outputRoot, uint64(block.timestamp), lastL2Block, false, false));
    blobHashesOf[index] = hashes;
    emit BatchSubmitted(index, outputRoot, lastL2Block, hashes);
  }

  function batchCount() external view returns (uint256) {
    return batches.length;
  }

  function batchOf(uint256 index)
    external
    view
    returns (bytes32 outputRoot, uint64 submittedAt, uint64 lastL2Block, bytes32[] memory blobHashes)
  {
    Batch storage b = _batch(index);
    return (b.outputRoot, b.submittedAt, b.lastL2Block, blobHashesOf[index]);
  }

  function outputRootOf(uint256 index) external view returns (bytes32) {
    return _batch(index).outputRoot;
  }

  function isFinalized(uint256 index) public view returns (bool) {
    if (index >= batches.length) return false;
    Batch storage b = batches[index];
    if (mode == 1) return b.proven;
    return !b.disputed && block.timestamp >= uint256(b.submittedAt) + challengePeriod;
  }

  /// The single public input a ZK proof of batch `index` commits to.
  function zkCommitment(uint256 index) public view returns (uint256) {
    bytes32 prev = index == 0 ? bytes32(0) : batches[index - 1].outputRoot;
    Batch storage b = _batch(index);
    return uint256(keccak256(abi.encode(prev, b.outputRoot, blobHashesOf[index]))) >> 8;
  }

  function proveBatch(uint256 index, uint256[8] calldata p) external {
    if (mode != 1) revert WrongMode();
    Batch storage b = _batch(index);
    uint256[1] memory input = [zkCommitment(index)];
    bool ok = IGroth16Verifier1(zkVerifier).verifyProof(
      [p[0], p[1]], [[p[2], p[3]], [p[4], p[5]]], [p[6], p[7]], input
    );
    if (!ok) revert InvalidProof();
    b.proven = true;
    emit BatchProven(index);
  }

  function openDispute(uint256 index) external {
    if (msg.sender != disputeGame) revert NotDisputeGame();
    Batch storage b = _batch(index);
    if (b.disputed) revert AlreadyDisputed(index);
    if (block.timestamp >= uint256(b.submittedAt) + challengePeriod) {
      revert ChallengePeriodOver(index);
    }
    b.disputed = true;
    emit DisputeOpened(index);
  }

  /// A challenger's win deletes batch `index` and every later one: the sequencer re-posts.
  function resolveDispute(uint256 index, bool challengerWon) external {
    if (msg.sender != disputeGame) revert NotDisputeGame();
    Batch storage b = _batch(index);
    if (!b.disputed) revert NotDisputed(index);
    emit DisputeResolved(index, challengerWon);
    if (!challengerWon) {
      b.disputed = false;
      return;
    }
    while (batches.length > index) {
      delete blobHashesOf[batches.length - 1];
      batches.pop();
    }
    emit BatchesInvalidated(index);
  }

  function _batch(uint256 index) internal view returns (Batch storage) {
    if (index >= batches.length) revert UnknownBatch(index);
    return batches[index];
  }
}
