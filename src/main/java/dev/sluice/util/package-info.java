/**
 * The bottom of Sluice: small data structures every room uses, such as
 * {@link dev.sluice.util.IntrusiveList}. This package imports nothing else
 * of Sluice, so anything may depend on it.
 */
package dev.sluice.util;
