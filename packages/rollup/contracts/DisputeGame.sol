// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

interface IRollupDispute {
  function outputRootOf(uint256 index) external view returns (bytes32);
  function sequencer() external view returns (address);
  function openDispute(uint256 index) external;
  function resolveDispute(uint256 index, bool challengerWon) external;
}

/// Two-stage interactive fraud proof for a Rollup batch (packages/rollup/README.md "Fraud
/// proofs"). The proposer (the sequencer) defends its output root by posting claims at the
/// bisection midpoints; the challenger agrees or disagrees. Stage 1 bisects over the L2 state
/// roots after each tx of the batch, stage 2 over the step commitments of keel's EVM on the
/// disputed tx (positions 0 .. 2^stepDepth, padded with the DONE state); the leaf step is run
/// by the L1's native step precompile (0x…f0). Chess clock: each side has `clock` seconds in
/// total, spent only while it is to move. The loser's bond goes to the winner.
contract DisputeGame {
  address internal constant STEP = address(0xf0);

  enum Stage {
    Inputs,
    Roots,
    OpenSteps,
    Steps,
    Leaf,
    Over
  }

  struct Game {
    uint256 batch;
    address challenger;
    address proposer;
    Stage stage;
    bool proposerToMove;
    bool midPending;
    bool challengerWon;
    uint64 lastMove;
    uint64 usedProposer;
    uint64 usedChallenger;
    uint256 lo;
    uint256 hi;
    bytes32 loClaim;
    bytes32 hiClaim;
    bytes32 mid;
    bytes32 inputsHash;
    uint256 stakes;
  }

  IRollupDispute public immutable rollup;
  uint256 public immutable bond;
  uint64 public immutable clock;
  uint8 public immutable stepDepth;
  bytes32 public immutable genesisRoot;

  Game[] internal games;
  mapping(address => uint256) public balanceOf;

  event GameCreated(uint256 indexed id, uint256 indexed batch, address challenger);
  event Moved(uint256 indexed id, Stage stage, uint256 lo, uint256 hi);
  event GameOver(uint256 indexed id, bool challengerWon);

  error WrongStage();
  error NotYourMove();
  error ClockExpired();
  error BadBond();
  error BadInputs();
  error BadState();
  error StepProofFailed();
  error NoTimeout();

  constructor(address rollup_, uint256 bond_, uint64 clock_, uint8 stepDepth_, bytes32 genesis_) {
    rollup = IRollupDispute(rollup_);
    bond = bond_;
    clock = clock_;
    stepDepth = stepDepth_;
    genesisRoot = genesis_;
  }

  /// The proposer's bond account (a challenge locks `bond` of it).
  function deposit() external payable {
    balanceOf[msg.sender] += msg.value;
  }

  function withdraw(uint256 amount) external {
    balanceOf[msg.sender] -= amount;
    (bool ok,) = payable(msg.sender).call{ value: amount }("");
    require(ok, "withdraw");
  }

  function challenge(uint256 batch) external payable returns (uint256 id) {
    if (msg.value != bond) revert BadBond();
    address proposer = rollup.sequencer();
    uint256 locked = balanceOf[proposer] < bond ? balanceOf[proposer] : bond;
    balanceOf[proposer] -= locked;
    rollup.openDispute(batch);
    id = games.length;
    Game storage g = games.push();
    g.batch = batch;
    g.challenger = msg.sender;
    g.proposer = proposer;
    g.proposerToMove = true;
    g.lastMove = uint64(block.timestamp);
    g.loClaim = batch == 0 ? genesisRoot : rollup.outputRootOf(batch - 1);
    g.hiClaim = rollup.outputRootOf(batch);
    g.stakes = msg.value + locked;
    emit GameCreated(id, batch, msg.sender);
  }

  function gameOf(uint256 id) external view returns (Game memory) {
    return games[id];
  }

  /// Proposer: the batch has `n` txs whose step-state static parts hash (each) to the list
  /// hashed by `inputsHash` (keccak256 of the packed bytes32 list).
  function commitInputs(uint256 id, uint256 n, bytes32 inputsHash) external {
    Game storage g = _move(id, true, Stage.Inputs);
    if (n == 0) revert BadInputs();
    g.lo = 0;
    g.hi = n;
    g.inputsHash = inputsHash;
    g.stage = n == 1 ? Stage.OpenSteps : Stage.Roots;
    g.proposerToMove = true;
    emit Moved(id, g.stage, g.lo, g.hi);
  }

  /// Proposer: its claim (a state root in stage 1, a step commitment in stage 2) at the middle.
  function postMid(uint256 id, bytes32 claim) external {
    Game storage g = _load(id);
    if (g.stage != Stage.Roots && g.stage != Stage.Steps) revert WrongStage();
    _spend(g, true);
    g.mid = claim;
    g.midPending = true;
    g.proposerToMove = false;
  }

  /// Challenger: agrees or not with the proposer's claim at the middle.
  function respond(uint256 id, bool agree) external {
    Game storage g = _load(id);
    if (!g.midPending) revert WrongStage();
    _spend(g, false);
    uint256 m = (g.lo + g.hi) / 2;
    if (agree) {
      g.lo = m;
      g.loClaim = g.mid;
    } else {
      g.hi = m;
      g.hiClaim = g.mid;
    }
    g.midPending = false;
    g.proposerToMove = true;
    if (g.hi - g.lo == 1) {
      if (g.stage == Stage.Roots) {
        g.stage = Stage.OpenSteps;
      } else {
        g.stage = Stage.Leaf;
        g.proposerToMove = false;
      }
    }
    emit Moved(id, g.stage, g.lo, g.hi);
  }

  /// Proposer: opens stage 2 on tx `lo`: its PENDING state on the agreed root and its DONE state
  /// with the disputed root, both of that tx's static part.
  function openSteps(
    uint256 id,
    bytes32[] calldata inputs,
    bytes calldata pendingState,
    bytes calldata doneState
  ) external {
    Game storage g = _move(id, true, Stage.OpenSteps);
    if (keccak256(abi.encodePacked(inputs)) != g.inputsHash || g.lo >= inputs.length) {
      revert BadInputs();
    }
    bytes32 s = inputs[g.lo];
    bytes32 first = _describe(pendingState, 0, g.loClaim, s);
    bytes32 last = _describe(doneState, 3, g.hiClaim, s);
    g.lo = 0;
    g.hi = uint256(1) << stepDepth;
    g.loClaim = first;
    g.hiClaim = last;
    g.stage = Stage.Steps;
    g.proposerToMove = true;
    emit Moved(id, g.stage, g.lo, g.hi);
  }

  /// Anyone, at the leaf: the agreed pre state and its witness; the precompile decides whether
  /// the proposer's next claim is that step's result.
  function resolveStep(uint256 id, bytes calldata pre, bytes calldata witness) external {
    Game storage g = _load(id);
    if (g.stage != Stage.Leaf) revert WrongStage();
    (bool ok, bytes memory out) = STEP.staticcall(
      abi.encodePacked(uint8(1), g.loClaim, g.hiClaim, uint32(pre.length), pre, witness)
    );
    if (!ok || out.length != 32) revert StepProofFailed();
    _finish(id, g, abi.decode(out, (uint256)) == 0);
  }

  /// Either side, when the side to move has spent more than its clock.
  function claimTimeout(uint256 id) external {
    Game storage g = _load(id);
    if (g.stage == Stage.Over) revert WrongStage();
    uint256 used = (g.proposerToMove ? g.usedProposer : g.usedChallenger)
      + (block.timestamp - g.lastMove);
    if (used <= clock) revert NoTimeout();
    _finish(id, g, g.proposerToMove);
  }

  function _describe(bytes calldata state, uint256 phase, bytes32 root, bytes32 staticHash)
    internal
    view
    returns (bytes32 commitment)
  {
    (bool ok, bytes memory out) = STEP.staticcall(abi.encodePacked(uint8(2), state));
    if (!ok || out.length != 192) revert BadState();
    (bytes32 c, uint256 ph, uint256 steps, bytes32 accounts, bytes32 st,) =
      abi.decode(out, (bytes32, uint256, uint256, bytes32, bytes32, bytes32));
    if (ph != phase || accounts != root || st != staticHash) revert BadState();
    if (phase == 0 && steps != 0) revert BadState();
    return c;
  }

  function _load(uint256 id) internal view returns (Game storage g) {
    g = games[id];
  }

  function _move(uint256 id, bool proposer, Stage stage) internal returns (Game storage g) {
    g = games[id];
    if (g.stage != stage) revert WrongStage();
    _spend(g, proposer);
  }

  function _spend(Game storage g, bool proposer) internal {
    if (g.proposerToMove != proposer) revert NotYourMove();
    if (msg.sender != (proposer ? g.proposer : g.challenger)) revert NotYourMove();
    uint64 elapsed = uint64(block.timestamp) - g.lastMove;
    if (proposer) {
      g.usedProposer += elapsed;
      if (g.usedProposer > clock) revert ClockExpired();
    } else {
      g.usedChallenger += elapsed;
      if (g.usedChallenger > clock) revert ClockExpired();
    }
    g.lastMove = uint64(block.timestamp);
  }

  function _finish(uint256 id, Game storage g, bool challengerWon) internal {
    g.stage = Stage.Over;
    g.challengerWon = challengerWon;
    balanceOf[challengerWon ? g.challenger : g.proposer] += g.stakes;
    g.stakes = 0;
    rollup.resolveDispute(g.batch, challengerWon);
    emit GameOver(id, challengerWon);
  }
}
