/**
 * The factory: one Destination per `destination` entry, in the user's order
 * (`latest` reads the first). A new destination is a class implementing
 * Destination (./destination.ts) and one case here.
 */
import type { Destinations, DestinationKind } from '../config/settings.js'
import type { Workspace } from '../runtime/workspace.js'
import { ArtifactDestination, type ArtifactScope } from './artifact.js'
import type { Destination } from './destination.js'
import { FileDestination } from './file.js'
import { S3Destination } from './s3.js'

export function makeDestination(kind: DestinationKind, d: Destinations, work?: Workspace, scope?: ArtifactScope): Destination {
  switch (kind) {
    case 's3':
      return new S3Destination(d.s3!)
    case 'file':
      return new FileDestination(d.file!)
    case 'artifact':
      return new ArtifactDestination(d.artifact!, work, scope)
  }
}

export function makeDestinations(d: Destinations, work?: Workspace, scope?: ArtifactScope): Destination[] {
  return d.order.map(kind => makeDestination(kind, d, work, scope))
}
