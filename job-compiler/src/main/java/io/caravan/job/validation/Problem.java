package io.caravan.job.validation;

/**
 * One thing wrong with a document.
 *
 * @param path where, as a JSON path such as {@code $.steps[1].query}
 * @param message what, as a sentence a person understands
 */
public record Problem(String path, String message) {
}
