package dev.numbat.runtime;

/** The receiving end of an exchange for one consumer: an operator channel's input, or the client. */
interface Inbox {

    /**
     * Offers a batch; it is accepted (ownership passes) and {@code true} returned while the inbox has credit.
     * Without credit it returns {@code false}, keeps nothing, and wakes {@code producer} once credit frees up.
     */
    boolean offer(Envelope envelope, ChannelTask producer);

    /** One producer channel has sent its last batch. */
    void producerDone();
}
