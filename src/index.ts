import * as core from '@actions/core'
import { run } from './main.js'
import { run as post } from './post.js'

// action.yml points main and post at this bundle; the saved state tells them apart.
if (core.getState('is-post') === 'true') {
  await post()
} else {
  core.saveState('is-post', 'true')
  await run()
}
