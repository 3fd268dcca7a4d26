import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.js';
import { GatehouseError } from '../../domain/errors.js';
import { audit } from '../audit.js';
import { requirePermission } from '../authz.js';
import type { Actor, EngineDeps } from '../context.js';
import { inTransaction, wakeAfterCommit } from '../tx.js';
import { requeueAbandoned } from './fulfilment-writer.js';

/**
 * An admin's Retry: given-up fulfilments of an assignment are tried again from the start. Needs
 * `assignment.manage` in the package's catalog; audited. The caller delivers the returned ids.
 */
export async function retryAbandoned(
  deps: EngineDeps,
  actor: Actor,
  input: { assignmentId: number },
): Promise<number[]> {
  return inTransaction(deps, async (tx, now) => {
    const [assignment] = await queryRows<{ package_id: number; catalog_id: number; user_id: string }>(
      tx,
      sql`select a.package_id, p.catalog_id, a.user_id from assignments a join access_packages p on p.id = a.package_id
           where a.id = ${input.assignmentId}`,
    );
    if (!assignment) {
      throw new GatehouseError('assignment.not_found', 'That assignment no longer exists.', input);
    }
    await requirePermission(tx, deps, actor, Number(assignment.catalog_id), 'assignment.manage');
    const ids = await requeueAbandoned(tx, now, input.assignmentId);
    if (ids.length > 0) {
      wakeAfterCommit(tx, 'delivery');
      await audit(tx, now, actor, {
        action: 'assignment.delivery_retried',
        packageId: Number(assignment.package_id),
        assignmentId: input.assignmentId,
        subjectUserId: assignment.user_id,
        data: { fulfilments: ids.length },
      });
    }
    return ids;
  });
}
