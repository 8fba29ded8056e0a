// @keel/stratum: Stratum V2, pure — codec, Noise_NX framing, share validation, vardiff, AuxPoW,
// revenue split, and the TemplateProvider interface that template sources implement.
export type {
  NewTemplate,
  SetNewPrevHash,
  SubmitResult,
  SubmitSolution,
  TemplateListener,
  TemplateProvider,
} from './templateProvider.ts';
