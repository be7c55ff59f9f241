/**
 * Internals of the client shared between its packages: not API, may change in any release without
 * notice. Nothing here is meant to be called from outside resilient-redis's own modules.
 *
 * <p>{@link io.resilientredis.client.internal.ConnectionSpec} is the one way another package of the
 * client (the doctor) reads where an endpoint lives and with which credentials;
 * {@link io.resilientredis.client.internal.RedisUrl} is the one parser of {@code redis://} URLs.
 */
package io.resilientredis.client.internal;
