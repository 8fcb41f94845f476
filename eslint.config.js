// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.cache/', 'bench/.work/', 'test-artifacts/'] },
  js.configs.recommended,
  { languageOptions: { globals: globals.node } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/formats/**/*.ts'],
    rules: {
      // The format layer is a leaf: it must never reach up into the pipeline or the shells.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '**/service/**',
            '**/cli/**',
            '**/worker/**',
            '**/depdb/**',
            '**/packaging/**',
            '**/backends/**',
          ],
        },
      ],
    },
  },
);
