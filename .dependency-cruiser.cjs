/**
 * The layers of Nimbus PBX and the arrows allowed between them
 * (../shared/docs/architecture.md "Dependencies point one way"):
 *
 *   sip/  ←  contracts/  ←  edge/, functions/  ←  infra/
 *
 * The edge and the functions meet only in sip/ and contracts/; the one place
 * that hosts the functions in the edge's process is edge/src/local-stack/,
 * through the functions' public entry functions/src/index.ts. No import
 * circles, type-only ones included. `npm test` runs this check (npm run deps).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import circles (type-only ones too) make modules impossible to read or test alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'sip-is-the-bottom',
      severity: 'error',
      comment: 'sip/ is the protocol library: it depends on nothing of ours.',
      from: { path: '^sip/' },
      to: { path: '^(contracts|edge|functions|infra|web-softphone|test|scripts)/' },
    },
    {
      name: 'contracts-only-on-sip',
      severity: 'error',
      comment: 'contracts/ is what edge and functions share: it may use sip/ and nothing above it.',
      from: { path: '^contracts/' },
      to: { path: '^(edge|functions|infra|web-softphone|test|scripts)/' },
    },
    {
      name: 'functions-not-on-edge',
      severity: 'error',
      comment: 'The functions know the edge only through contracts/ (events, results, transport types).',
      from: { path: '^functions/' },
      to: { path: '^(edge|infra|web-softphone|test|scripts)/' },
    },
    {
      name: 'edge-not-on-functions',
      severity: 'error',
      comment: 'The edge calls functions through the invoker port; only the local stack hosts them, through functions/src/index.ts.',
      from: { path: '^edge/', pathNot: '^edge/src/local-stack/' },
      to: { path: '^(functions|infra|web-softphone|test|scripts)/' },
    },
    {
      name: 'local-stack-only-through-the-public-entry',
      severity: 'error',
      comment: 'The local stack hosts the functions through their public entry, never their insides.',
      from: { path: '^edge/src/local-stack/' },
      to: { path: '^functions/', pathNot: '^functions/src/index\\.ts$' },
    },
    {
      name: 'cli-is-an-api-client',
      severity: 'error',
      comment: 'npx nimbus (cli/) knows the PBX only through the admin API over HTTP, and nothing but tests uses it.',
      from: { path: '^cli/' },
      to: { path: '^(sip|contracts|edge|functions|infra|web-softphone|web-admin|test|scripts)/' },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment: 'The CLI is a client of the API, never a library of the product.',
      from: { pathNot: '^(cli|test)/' },
      to: { path: '^cli/' },
    },
    {
      name: 'nothing-imports-tests',
      severity: 'error',
      comment: 'Tests and the benchmark/fuzz scripts share test/support; the product never imports them.',
      from: { pathNot: '^(test|scripts)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|cdk\\.out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
