import { accessPackages, assignments, type Request, requests } from '../../db/schema.js';
import {
  type AssignmentState,
  formatRequestId,
  type RequestState,
  requestOutcome,
} from '../../domain/states.js';

/** One line of a request list (My Access history, a package's requests). */
export interface RequestSummary {
  requestId: number;
  request: string;
  type: Request['type'];
  packageId: number;
  packageName: string;
  policyName: string | null;
  userId: string;
  requestedBy: string;
  state: RequestState;
  /** What history shows: the request's state, then its assignment's Expired / Removed. */
  outcome: string;
  stage: number;
  justification: string | null;
  outcomeNote: string | null;
  startAt: Date | null;
  endAt: Date | null;
  createdAt: Date;
  closedAt: Date | null;
}

export const summaryColumns = {
  r: requests,
  packageName: accessPackages.name,
  assignmentState: assignments.state,
};

export function toSummary(row: {
  r: Request;
  packageName: string;
  assignmentState: AssignmentState | null;
}): RequestSummary {
  const { r } = row;
  return {
    requestId: r.id,
    request: formatRequestId(r.id),
    type: r.type,
    packageId: r.packageId,
    packageName: row.packageName,
    /** The policy as it was when the request was submitted (none for admin and system requests). */
    policyName: r.policySnapshot?.name ?? null,
    userId: r.userId,
    requestedBy: r.requestedBy,
    state: r.state,
    outcome: requestOutcome(r.state, row.assignmentState),
    stage: r.stage,
    justification: r.justification,
    outcomeNote: r.outcomeNote,
    startAt: r.startAt,
    endAt: r.endAt,
    createdAt: r.createdAt,
    closedAt: r.closedAt,
  };
}
