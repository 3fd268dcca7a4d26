/**
 * Every callback_id, action_id and block_id the app uses, defined once. Views put them in the
 * JSON; listeners register on them. Input block_ids are the fields' stable snake_case names.
 */
export const ACTION = {
  requestPackage: 'request_package',
  choosePolicy: 'choose_policy',
  approveRequest: 'approve_request',
  denyRequest: 'deny_request',
  cancelRequest: 'cancel_request',
  extendAssignment: 'extend_assignment',
  doneWithAssignment: 'done_with_assignment',
  retryDelivery: 'retry_delivery',
  reviewKeep: 'review_keep',
  reviewRemove: 'review_remove',
  openWizard: 'open_package_wizard',
  showPackageRequests: 'show_package_requests',
  showPackageAssignments: 'show_package_assignments',
  homePage: 'home_page',
  wizardBack: 'package_wizard_back',
  pickUsergroups: 'pick_usergroups',
  removeAssignment: 'remove_assignment',
  auditPage: 'audit_page',
} as const;

export const CALLBACK = {
  requestAccess: 'request_access',
  decisionReason: 'decision_reason',
  reviewReason: 'review_reason',
  extendJustification: 'extend_justification',
  packageWizard: 'package_wizard',
  packageList: 'package_admin_list',
} as const;

/** block_ids the app finds again in what it rendered (input blocks use their field names). */
export const BLOCK = {
  notice: 'notice',
} as const;
