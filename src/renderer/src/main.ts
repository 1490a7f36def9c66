import { mount } from 'svelte';
import App from './App.svelte';
import { connectApi } from './apiClient';

mount(App, { target: document.getElementById('app')!, props: { api: connectApi() } });
