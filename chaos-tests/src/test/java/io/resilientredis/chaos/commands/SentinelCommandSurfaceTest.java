package io.resilientredis.chaos.commands;

import io.resilientredis.chaos.ChaosTopology;
import io.resilientredis.chaos.ChaosTopologyExtension;
import io.resilientredis.chaos.topology.RedisTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The command surface on a Sentinel group (the client follows its master). */
class SentinelCommandSurfaceTest extends CommandSurface {

    @RegisterExtension
    static final ChaosTopologyExtension<ChaosTopology> CHAOS =
            ChaosTopologyExtension.proxied(RedisTopology.sentinelGroup(1));

    @Override
    ChaosTopology chaos() {
        return CHAOS.get();
    }

    @Test
    void everyOperationSpilledByAClientKilledWithSigkillIsReplayedByTheNextToTheSameState() throws Exception {
        killedWhileSpilledTheNextClientReplaysToTheSameState();
    }
}
