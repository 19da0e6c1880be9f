export { corePlugin, type CoreOptions, type ProviderUrls } from './plugin.js';
export { describeEdition, type Edition, type EditionInfo, type MicrosoftConsumer } from './edition.js';
export { AppError, BadRequest, Conflict, Forbidden, NotFound, Unauthorized } from './errors.js';
export { databaseErrorMeaning, isDatabaseUnavailable, isForeignKeyViolation, isUniqueViolation } from './database-errors.js';
export { createOutageReporter, describeDatabaseOutage, type OutageReporter } from './database-outage.js';
export { PERMISSIONS, ROLE_NAMES, type Permission, type RoleName } from './permissions.js';
export { confirmQuery, type ConfirmQuery } from './schemas/confirm.js';
export { BODY_MUST_BE_OBJECT, parseInput, requestBody, storableText, text, optionalText, INT4_MAX, STORABLE_TEXT_MESSAGE } from './schemas/common.js';
export { forTenant, isUuid, type Db, type TenantScope } from './tenancy.js';
export { keyringFromEnv, loadOrCreateKeyFile, keyringToFile, writeKeyFile, keyIdOf, type Keyring } from './services/keyring.js';
export { createSecretStore, type SecretStore } from './services/secrets.js';
export { checkOutboundUrl, createOutboundFetch, OutboundUrlRefused, type OutboundFetch, type OutboundPolicy } from './services/outbound-url.js';
export { calendarPushStatus, type CalendarPushStatus } from './services/calendar-push.js';
export { createAddressLimiter, type AddressLimiter, type AddressLimiterOptions } from './services/address-limiter.js';
export { recordAudit, type AuditEntry } from './services/audit.js';
export { appendEvent, type DomainEvent, type OutboxSubscriber } from './services/outbox.js';
export type { JobDefinition, JobQueue } from './services/jobs.js';
export {
  FEATURE_FLAGS,
  isFeatureEnabled,
  listFeatureFlags,
  registerFeatureFlags,
  setFeatureFlagDefault,
  setTenantFeatureFlag,
  type FeatureFlagKey,
  type FeatureFlagState,
} from './services/feature-flags.js';
export { createTenant, createUser, countUsers } from './services/users.js';
export { assertStrongPassword, generatePassword, hashPassword, passwordProblem, type PasswordOwner } from './services/passwords.js';
export { endSessionsOfUser } from './services/sessions.js';
export { resetPasswordByOperator, type OperatorReset } from './services/password-reset.js';
export { createClient, findSimilarClients } from './services/clients.js';
export { clientInput } from './schemas/clients.js';
export { createContact } from './services/contacts.js';
export { createScheduleEntry, getScheduleEntry, listScheduleEntries, updateScheduleEntry, deleteScheduleEntry } from './services/schedule-entries.js';
export { createScheduleEntries, findScheduleEntries, updateScheduleEntries, type EntryTimesPatch } from './services/schedule-entries-bulk.js';
export { cancelOccurrence, findOccurrenceOverride, listOccurrenceOverrides, overrideOccurrence, type OccurrenceFields } from './services/series-exceptions.js';
export { isOccurrenceStart, occurrenceStarts } from './services/recurrence-expansion.js';
export { scheduleEntryListQuery, type ScheduleEntry } from './schemas/schedule-entries.js';
export { normalizeRecurrence, recurrenceProblem, supportedRecurrence, RECURRENCE_SUBSET } from './services/recurrence-subset.js';
export {
  notify,
  notifyAdmins,
  resolveNotifications,
  listNotifications,
  countUnread,
  markNotificationRead,
  markAllNotificationsRead,
  type NotificationCenter,
  type RaisedNotification,
} from './services/notifications.js';
export type { Notification, NotificationInput } from './schemas/notifications.js';
export { ENTRA_RECONNECT_KEY } from './services/integration-health.js';
export type { SessionUser } from './services/sessions.js';
export type { SignInAttempt, SignInCheck, SignInPolicy } from './services/sign-in-policy.js';
export { rotateSecretKey, type RotationResult } from './services/key-rotation.js';
export {
  CALENDAR_HANDLERS,
  ENTRA_HANDLERS,
  CALENDAR_ROUTES,
  ENTRA_ROUTES,
  CALENDAR_CE_ERROR,
  ENTRA_CE_ERROR,
  type CalendarHandler,
  type CalendarSurface,
  type EntraHandler,
  type EntraSurface,
  type SurfaceHandler,
  notConfigured,
  accessLogController,
} from './enterprise/index.js';
export { recordEntraRunOutcome } from './services/metrics-entra.js';
export { createMetrics, observeSyncJob, type Metrics, type ProviderType, type SyncDirection } from './services/metrics.js';
