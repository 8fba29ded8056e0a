// @keel/contracts: the AssemblyScript SDK (assembly/sdk) and example contracts, compiled on demand.
export {
  ascFlags,
  buildDir,
  buildExamples,
  type CompileResult,
  ContractBuildError,
  compileContract,
  EXAMPLES,
  type ExampleName,
  examplesDir,
  exampleWasm,
  sdkDir,
  sourceHash,
} from './build.ts';
