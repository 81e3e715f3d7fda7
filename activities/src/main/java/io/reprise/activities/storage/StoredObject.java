package io.reprise.activities.storage;

import java.time.Instant;

/** What the store knows of one object. */
public record StoredObject(String key, long size, String contentType, Instant lastModified) {}
