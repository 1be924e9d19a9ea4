/**
 * The channel catalog: the channels an application declares, loaded from the catalog the
 * annotation processor generates and re-validated at start-up, and resolution of channel
 * names.
 */
@NullMarked
package dev.realtime.catalog;

import org.jspecify.annotations.NullMarked;
