/**
 * The Redis connection runbook as code: {@link io.resilientredis.client.doctor.Doctor#check(String)}
 * (or the {@link io.resilientredis.client.doctor.DoctorCommand} command line) walks DNS, TCP, TLS,
 * AUTH, PING, the Sentinels, replication, persistence, memory and latency, and returns a
 * {@link io.resilientredis.client.doctor.DoctorReport}: one
 * {@link io.resilientredis.client.doctor.DoctorCheck} per {@link io.resilientredis.client.doctor.CheckName},
 * each with its finding and, for a warning or failure, the fix. No report, finding or exception
 * ever carries a password.
 */
package io.resilientredis.client.doctor;
