package dev.trailwatch.detector.detect.baseline;

import dev.trailwatch.detector.accounts.AccountInfo;
import dev.trailwatch.detector.model.Alert;

/** What the foreign-account processor emits: a draft alert (keyed by account) or a learned account (keyed by id). */
sealed interface ForeignAccountOutput {

    /** A call by a principal of an account outside the organization; goes on to suppression. */
    record Suspect(Alert draft) implements ForeignAccountOutput {
    }

    /** An account newly learned (a recipient, or one Organizations created or invited); goes to the accounts topic. */
    record Learned(AccountInfo info) implements ForeignAccountOutput {
    }
}
