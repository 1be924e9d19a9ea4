/**
 * Sample application: a content pipeline whose progress streams live to the browser.
 */
@NullMarked
package dev.realtime.sample;

import org.jspecify.annotations.NullMarked;
