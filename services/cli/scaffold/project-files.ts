// The files of a new project, in the order they are written: configuration first, then sources and tests.
import type { ProjectOptions } from './project-options';
import { gitignore } from './templates/gitignore';
import { handlersSource } from './templates/handlers-source';
import { jestConfig } from './templates/jest-config';
import { onboardingTestSource } from './templates/onboarding-test-source';
import { packageJson } from './templates/package-json';
import { readme } from './templates/readme';
import { tsconfigBuildJson, tsconfigJson } from './templates/tsconfig';
import { workflowsSource } from './templates/workflows-source';

export interface ProjectFile {
  /** Relative to the project folder, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

export function projectFiles(options: ProjectOptions): ProjectFile[] {
  return [
    { path: 'package.json', content: packageJson(options) },
    { path: 'tsconfig.json', content: tsconfigJson() },
    { path: 'tsconfig.build.json', content: tsconfigBuildJson() },
    { path: 'jest.config.js', content: jestConfig() },
    { path: '.gitignore', content: gitignore() },
    { path: 'README.md', content: readme(options) },
    { path: 'src/workflows.ts', content: workflowsSource() },
    { path: 'src/handlers.ts', content: handlersSource() },
    { path: 'test/onboarding.test.ts', content: onboardingTestSource() },
  ];
}
