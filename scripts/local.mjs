#!/usr/bin/env node
// npm run local -- FILE.env
// Runs the action's main and post steps with @github/local-action, as a runner would, from src/ (the tool stands in
// for the toolkit by module path, which a bundle hides). FILE.env holds the inputs as INPUT_<NAME> (hyphens kept,
// e.g. INPUT_DATABASE-URL) and any runner variables; see scripts/local.env.example.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const file = process.argv[2]
if (!file || !fs.existsSync(file)) {
  console.error('usage: npm run local -- FILE.env   (inputs as INPUT_<NAME>=value; see scripts/local.env.example)')
  process.exitCode = 2
} else {
  const bin = path.join(root, 'node_modules', '.bin')
  const r = spawnSync(
    path.join(bin, 'local-action'),
    ['run', root, 'src/main.ts', path.resolve(file), '--post', 'src/post.ts'],
    // The project's Node 24 first, as GitHub's runners run actions on node24.
    { stdio: 'inherit', cwd: root, env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` } }
  )
  process.exitCode = r.status ?? 1
}
