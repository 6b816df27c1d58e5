package dev.sluice.backend;

import dev.sluice.loop.Loop;
import java.util.ArrayList;
import java.util.List;

/** A session stand-in: records the slot it was granted, or why it was refused. */
final class TestWaiter extends SlotWaiter {
    private final Loop loop;
    final List<Server> granted = new ArrayList<>();
    final List<SlotRefusal> refusals = new ArrayList<>();

    TestWaiter(Loop loop) {
        this.loop = loop;
    }

    @Override
    protected Loop loop() {
        return loop;
    }

    @Override
    protected void slotGranted(Server server) {
        granted.add(server);
    }

    @Override
    protected void slotRefused(SlotRefusal why) {
        refusals.add(why);
    }

    Server lastGranted() {
        return granted.isEmpty() ? null : granted.get(granted.size() - 1);
    }
}
