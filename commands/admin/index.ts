import type { AccessCommand } from '../types.js';
import { assignCommand } from './assign.js';
import { assignmentsCommand } from './assignments.js';
import { auditCommand } from './audit.js';
import { catalogListCommand } from './catalog-list.js';
import { catalogNewCommand } from './catalog-new.js';
import { catalogRolesCommand } from './catalog-roles.js';
import { packageDeleteCommand } from './package-delete.js';
import { packageEditCommand } from './package-edit.js';
import { packageNewCommand } from './package-new.js';
import { packageShowCommand } from './package-show.js';
import { removeCommand } from './remove.js';
import { requestsCommand } from './requests.js';
import { resourceAddCommand } from './resource-add.js';
import { resourceListCommand } from './resource-list.js';
import { resourceRemoveCommand } from './resource-remove.js';
import { reviewStartCommand } from './review-start.js';

/** Admin commands, each allowed as the caller's catalog roles say (the engine decides). */
export const adminCommands: AccessCommand[] = [
  packageNewCommand,
  packageShowCommand,
  packageEditCommand,
  packageDeleteCommand,
  catalogNewCommand,
  catalogListCommand,
  catalogRolesCommand,
  resourceAddCommand,
  resourceListCommand,
  resourceRemoveCommand,
  requestsCommand,
  assignmentsCommand,
  assignCommand,
  removeCommand,
  reviewStartCommand,
  auditCommand,
];
