/**
 * A small blocking RESP2 reader and writer, written once for the doctor, the Sentinel tracker and
 * the chaos harness: not API, may change in any release without notice.
 */
package io.resilientredis.client.internal.resp;
