package io.reprise.activities.sweep;

import java.util.List;
import java.util.Set;

/**
 * Where the storage sweep will free registry images, once job images are pushed to a registry by digest. Images
 * are shared like blobs (a re-run runs its original's digest), so they are freed the same way: the sweep marks the
 * digests that existing jobs record and deletes the others. Until the registry exists there is nothing to free:
 * {@link #NONE} lists nothing and deletes nothing.
 */
public interface RegistryImages {

  /** Every image reference in the registry that Reprise pushed ({@code name@sha256:…}). */
  List<String> list();

  /** Deletes one image reference no job refers to any more. */
  void delete(String reference);

  /** No registry yet: nothing listed, nothing deleted. */
  RegistryImages NONE = new RegistryImages() {
    @Override
    public List<String> list() {
      return List.of();
    }

    @Override
    public void delete(String reference) {}
  };

  /** The sweep's step for images: deletes every listed reference not in the marked set; answers how many. */
  static int sweep(RegistryImages registry, Set<String> marked) {
    int deleted = 0;
    for (String reference : registry.list()) {
      if (!marked.contains(reference)) {
        registry.delete(reference);
        deleted++;
      }
    }
    return deleted;
  }
}
