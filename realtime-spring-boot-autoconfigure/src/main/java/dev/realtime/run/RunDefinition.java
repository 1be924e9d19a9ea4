package dev.realtime.run;

import org.springframework.util.Assert;

/**
 * A run declared by name with a typed input, so that any node can execute it again from
 * its stored input when the node that ran it is gone. Register definitions as beans; the
 * {@link RealtimeRuns} of every node picks them up and starts them with
 * {@link RealtimeRuns#start(RunDefinition, dev.realtime.Channel, Object, RunOptions)}.
 * <pre class="code">
 * &#64;Bean
 * RunDefinition&lt;PipelineInput, Draft&gt; contentPipeline(PipelineWorker worker) {
 *     return RunDefinition.of("content-pipeline", PipelineInput.class, worker::write);
 * }
 * </pre> The input is validated (Bean Validation) and serialized with the application's
 * {@code JsonMapper} before the run starts; a node that takes the run over reads it back
 * as {@link #inputType()}.
 *
 * @param <I> the input type
 * @param <R> the result type
 * @author Realtime team
 * @since 0.1.0
 */
public interface RunDefinition<I, R> {

	/**
	 * Return the name of the definition, the same on every node: 1 to 128 letters, digits
	 * or {@code . _ ~ @ + = : / -}.
	 * @return the name
	 */
	String name();

	/**
	 * Return the type the stored input is read back as.
	 * @return the input type
	 */
	Class<I> inputType();

	/**
	 * Execute one attempt of the run, on this node or on one that took the run over.
	 * Throwing fails the attempt, as for {@link RunWork#execute(Run)}.
	 * @param run the context of this attempt
	 * @param input the run's input
	 * @return the result of the run
	 * @throws Exception if the attempt failed
	 */
	R execute(Run run, I input) throws Exception;

	/**
	 * Create a definition.
	 * @param <I> the input type
	 * @param <R> the result type
	 * @param name the name, the same on every node
	 * @param inputType the type the stored input is read back as
	 * @param work executes one attempt
	 * @return the definition
	 */
	static <I, R> RunDefinition<I, R> of(String name, Class<I> inputType, Work<I, R> work) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(inputType, "'inputType' must not be null");
		Assert.notNull(work, "'work' must not be null");
		return new RunDefinition<>() {

			@Override
			public String name() {
				return name;
			}

			@Override
			public Class<I> inputType() {
				return inputType;
			}

			@Override
			public R execute(Run run, I input) throws Exception {
				return work.execute(run, input);
			}

			@Override
			public String toString() {
				return "RunDefinition '" + name + "'";
			}

		};
	}

	/**
	 * The work of a definition.
	 *
	 * @param <I> the input type
	 * @param <R> the result type
	 */
	@FunctionalInterface
	interface Work<I, R> {

		/**
		 * Execute one attempt.
		 * @param run the context of this attempt
		 * @param input the run's input
		 * @return the result
		 * @throws Exception if the attempt failed
		 */
		R execute(Run run, I input) throws Exception;

	}

}
