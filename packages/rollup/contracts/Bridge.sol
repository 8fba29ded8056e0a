// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

interface IRollup {
  function isFinalized(uint256 index) external view returns (bool);
  function outputRootOf(uint256 index) external view returns (bytes32);
}

/// L1 side of the keel L2 bridge: deposits lock value and emit events the L2 derivation turns
/// into mints (+ a call); withdrawals are proven against a finalized batch's output root with a
/// depth-16 Merkle proof, each at most once. See packages/rollup/README.md.
contract Bridge {
  struct Withdrawal {
    uint256 nonce;
    address sender;
    address target;
    uint256 value;
    bytes data;
  }

  uint256 public constant MAX_DATA = 65536;
  uint256 public constant TREE_DEPTH = 16;
  address internal constant NO_SENDER = address(0xdead);

  IRollup public immutable rollup;
  uint256 public depositCount;
  mapping(bytes32 => bool) public finalized;
  /// The L2 sender of the withdrawal being executed (message passing L2→L1).
  address public l2Sender = NO_SENDER;

  event Deposit(uint256 indexed nonce, address indexed from, address to, uint256 value, bytes data);
  event WithdrawalFinalized(bytes32 indexed withdrawalHash);

  error DataTooLong();
  error NotFinalized(uint256 batchIndex);
  error AlreadyFinalized(bytes32 withdrawalHash);
  error BadIndex();
  error BadProof();
  error CallFailed(bytes returnData);

  constructor(address rollup_) {
    rollup = IRollup(rollup_);
  }

  function deposit(address to, bytes calldata data) external payable {
    if (data.length > MAX_DATA) revert DataTooLong();
    emit Deposit(depositCount++, msg.sender, to, msg.value, data);
  }

  function withdrawalHash(Withdrawal calldata w) public pure returns (bytes32) {
    return keccak256(abi.encode(w.nonce, w.sender, w.target, w.value, w.data));
  }

  function finalizeWithdrawal(
    uint256 batchIndex,
    bytes32 stateRoot,
    bytes32 l2BlockHash,
    Withdrawal calldata w,
    uint256 index,
    bytes32[16] calldata siblings
  ) external {
    if (!rollup.isFinalized(batchIndex)) revert NotFinalized(batchIndex);
    bytes32 h = withdrawalHash(w);
    if (finalized[h]) revert AlreadyFinalized(h);
    if (index >= 1 << TREE_DEPTH) revert BadIndex();
    bytes32 node = h;
    for (uint256 i = 0; i < TREE_DEPTH; i++) {
      node = (index >> i) & 1 == 1
        ? keccak256(abi.encodePacked(siblings[i], node))
        : keccak256(abi.encodePacked(node, siblings[i]));
    }
    bytes32 output = keccak256(abi.encode(stateRoot, node, l2BlockHash));
    if (output != rollup.outputRootOf(batchIndex)) revert BadProof();
    finalized[h] = true;
    l2Sender = w.sender;
    (bool ok, bytes memory ret) = w.target.call{value: w.value}(w.data);
    l2Sender = NO_SENDER;
    if (!ok) revert CallFailed(ret);
    emit WithdrawalFinalized(h);
  }
}
