// @keel/contracts: AssemblyScript SDK for keel contracts and example contracts compiled to WebAssembly.
export {};
