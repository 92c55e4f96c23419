// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** No mutable module state in src/ (issue 21). */
const NO_MODULE_STATE = [
  {
    selector: ':matches(Program, ExportNamedDeclaration) > VariableDeclaration[kind=/^(let|var)$/]',
    message: 'No mutable module state in src/: put it on an instance (a class field) and inject that instance.',
  },
  {
    selector:
      ':matches(Program, ExportNamedDeclaration) > VariableDeclaration > VariableDeclarator > NewExpression.init[callee.name=/^(Map|WeakMap|RateLimitedLog)$/]',
    message:
      'No mutable module state in src/: a module-level Map or rate-limited log is shared by every gateway in the process; make it a field of an injected instance.',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // One writer per record (issue 21): a module holds no state of its own, so two gateways in one process
    // (tests, benches) never share it. State lives on instances the module system wires (or their owner builds).
    files: ['src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: { 'no-restricted-syntax': ['error', ...NO_MODULE_STATE] },
  },
  {
    // Aedes' private fields are read in src/broker/aedes-internals.ts only, each checked by its spec.
    files: ['src/broker/**/*.ts'],
    ignores: ['**/*.spec.ts', 'src/broker/aedes-internals.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...NO_MODULE_STATE,
        {
          selector: 'MemberExpression[property.name=/^_/]',
          message:
            'A private field of Aedes or Node: reach it through src/broker/aedes-internals.ts (checked by its spec).',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The web console runs in the browser (its own tsconfig adds the DOM types).
    files: ['console/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  // Formatting is Prettier's (npm run format; lint runs prettier --check): no stylistic ESLint rules.
  prettier,
);
