package dev.realtime.sample;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.realtime.RealtimePublisher;
import dev.realtime.sample.ContentPipeline.Status;
import dev.realtime.sample.ContentPipeline.TokenChunk;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Simulates an LLM content pipeline on a background thread: research, then a draft
 * streamed token by token at about 30 tokens a second, then a final status.
 *
 * @author Realtime team
 */
@Component
class PipelineWorker implements DisposableBean {

	private static final Log logger = LogFactory.getLog(PipelineWorker.class);

	private static final long TOKEN_INTERVAL_MILLIS = 33;

	private final RealtimePublisher publisher;

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	PipelineWorker(RealtimePublisher publisher) {
		this.publisher = publisher;
	}

	void start(String runId, String topic) {
		this.executor.execute(() -> {
			try {
				run(ContentPipelineChannel.of(runId), topic);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) {
				logger.warn("Pipeline run " + runId + " failed", ex);
			}
		});
	}

	private void run(ContentPipelineChannel channel, String topic) throws InterruptedException {
		this.publisher.publish(channel.status(), new Status("Researching \"" + topic + "\"", "research"));
		Thread.sleep(800);
		this.publisher.publish(channel.status(), new Status("Research complete: 3 sources found", "research"));
		this.publisher.publish(channel.status(), new Status("Writing the draft", "draft"));
		for (String token : Drafts.draft(topic)) {
			this.publisher.publish(channel.tokens(), new TokenChunk(token, "draft"));
			Thread.sleep(TOKEN_INTERVAL_MILLIS);
		}
		this.publisher.publish(channel.status(), new Status("Draft complete", "done"));
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}
