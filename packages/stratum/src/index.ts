// @keel/stratum: Stratum V2, pure: codec, Noise_NX framing, share validation, vardiff, AuxPoW, revenue split, the TemplateProvider interface.
export {};
