// snarkjs ships no types; the bench declares the one call it makes (see Snarkjs above).
declare module 'snarkjs';
