/**
 * Helpers shared by resilient-redis's own modules. Not API: anything here may change or go away
 * in any release; do not use it from application code.
 */
package io.resilientredis.failover.internal;
