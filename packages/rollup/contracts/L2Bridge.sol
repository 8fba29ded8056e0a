// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// L2 predeploy at 0x4200000000000000000000000000000000000016: a withdrawal keeps (burns) the
/// value on L2 and emits the message the withdrawal tree commits to.
contract L2Bridge {
  uint256 public constant MAX_DATA = 65536;
  uint256 public messageNonce;

  event MessagePassed(
    uint256 indexed nonce, address indexed sender, address target, uint256 value, bytes data
  );

  error DataTooLong();

  function initiateWithdrawal(address target, bytes calldata data) external payable {
    if (data.length > MAX_DATA) revert DataTooLong();
    emit MessagePassed(messageNonce++, msg.sender, target, msg.value, data);
  }
}
