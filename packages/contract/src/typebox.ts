// TypeBox, the one way the workspace's code loads it at run time. The package is some 700 small
// ES modules, whose loading alone took a third of a server's start (about 0.35 s of `ddm-jobs
// serve`, hence of every emulator a test starts); `npm run build` bundles this module with them
// into one file (packages/contract/vite.config.ts), which Node loads in a fraction of
// that. Import `Type` and `Compile` from here, never from 'typebox' (types may come from there).

export type { Static, TSchema } from 'typebox';
export { Type } from 'typebox';
export { Compile } from 'typebox/compile';
