export { CliError } from './errors.ts';
export { createProgram, main } from './main.ts';
