package io.reprise.activities.compendia;

/** The compendium is readable but wrong: a bad reprise.yml, a bag that does not verify, a bad Dockerfile. */
public class InvalidCompendiumException extends Exception {
  public InvalidCompendiumException(String message) {
    super(message);
  }
}
