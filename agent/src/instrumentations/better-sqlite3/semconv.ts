// Attribute names from the OpenTelemetry database semantic conventions (stable names).
export const ATTR_DB_SYSTEM_NAME = 'db.system.name';
export const ATTR_DB_OPERATION_NAME = 'db.operation.name';
export const ATTR_DB_QUERY_TEXT = 'db.query.text';
export const ATTR_DB_NAMESPACE = 'db.namespace';
export const DB_SYSTEM_SQLITE = 'sqlite';
