// What the project keeps out of git: installed packages, build output and the local stack's data.
export function gitignore(): string {
  return ['node_modules/', 'dist/', '.stack/', ''].join('\n');
}
